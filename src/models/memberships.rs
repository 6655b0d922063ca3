//! A merchant user's role in one workspace. casbin reads these as its
//! `g, user:<id>, <role>, ws:<id>` grants (see `crate::access`).
use loco_rs::prelude::*;

pub use super::_entities::memberships::{self, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Viewer,
}

impl Role {
    pub const ALL: [Self; 3] = [Self::Owner, Self::Admin, Self::Viewer];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Viewer => "viewer",
        }
    }

    /// # Errors
    /// For anything but owner, admin or viewer.
    pub fn parse(role: &str) -> ModelResult<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == role)
            .ok_or_else(|| {
                ModelError::Message(format!("unknown role `{role}`: use owner, admin or viewer"))
            })
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if super::field(&self.role).is_some_and(|r| Role::parse(&r).is_err()) {
            return Err(DbErr::Custom(
                "invalid role: use owner, admin or viewer".into(),
            ));
        }
        if !insert && self.updated_at.is_unchanged() {
            let mut this = self;
            this.updated_at = Set(chrono::Utc::now().into());
            Ok(this)
        } else {
            Ok(self)
        }
    }
}

impl Model {
    /// Every workspace this user belongs to, with the role there.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_for_user(db: &impl ConnectionTrait, user_id: i64) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .filter(Column::UserId.eq(user_id))
            .order_by_asc(Column::WorkspaceId)
            .all(db)
            .await?)
    }

    /// The user's membership in one workspace.
    ///
    /// # Errors
    /// `EntityNotFound` when the user is not a member there.
    pub async fn find_in_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        user_id: i64,
    ) -> ModelResult<Self> {
        Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::UserId.eq(user_id))
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// Gives `user_id` `role` in the workspace, replacing any role they had.
    ///
    /// # Errors
    /// On a database error.
    pub async fn grant(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        user_id: i64,
        role: Role,
    ) -> ModelResult<Self> {
        match Self::find_in_workspace(db, workspace_id, user_id).await {
            Ok(existing) => {
                let mut membership = existing.into_active_model();
                membership.role = Set(role.as_str().to_string());
                Ok(membership.update(db).await?)
            }
            Err(ModelError::EntityNotFound) => {
                let membership = ActiveModel {
                    user_id: Set(user_id),
                    role: Set(role.as_str().to_string()),
                    ..Default::default()
                }
                .set_tenant(workspace_id)?;
                Ok(membership.insert(db).await?)
            }
            Err(e) => Err(e),
        }
    }

    #[must_use]
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role).ok()
    }

    /// The workspace's members with their users, owners first.
    ///
    /// # Errors
    /// On a database error.
    pub async fn list_in_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
    ) -> ModelResult<Vec<(Self, super::users::Model)>> {
        let rows = Entity::find()
            .in_tenant(workspace_id)
            .find_also_related(super::users::Entity)
            .order_by_asc(Column::Id)
            .all(db)
            .await?;
        let mut members: Vec<_> = rows
            .into_iter()
            .filter_map(|(m, u)| u.map(|u| (m, u)))
            .collect();
        members.sort_by_key(|(m, _)| m.role().map_or(9, |r| r as u8));
        Ok(members)
    }

    async fn owners(db: &impl ConnectionTrait, workspace_id: i64) -> ModelResult<u64> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Role.eq(Role::Owner.as_str()))
            .count(db)
            .await?)
    }

    /// Changes a member's role; the last owner stays an owner.
    ///
    /// # Errors
    /// `EntityNotFound` for a non-member; `Message` for the last owner.
    pub async fn change_role(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        user_id: i64,
        role: Role,
    ) -> ModelResult<Self> {
        let member = Self::find_in_workspace(db, workspace_id, user_id).await?;
        if member.role() == Some(Role::Owner)
            && role != Role::Owner
            && Self::owners(db, workspace_id).await? <= 1
        {
            return Err(ModelError::Message(LAST_OWNER.to_string()));
        }
        Self::grant(db, workspace_id, user_id, role).await
    }

    /// Removes a member; the last owner cannot be removed.
    ///
    /// # Errors
    /// `EntityNotFound` for a non-member; `Message` for the last owner.
    pub async fn remove(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        user_id: i64,
    ) -> ModelResult<()> {
        let member = Self::find_in_workspace(db, workspace_id, user_id).await?;
        if member.role() == Some(Role::Owner) && Self::owners(db, workspace_id).await? <= 1 {
            return Err(ModelError::Message(LAST_OWNER.to_string()));
        }
        member.delete(db).await?;
        Ok(())
    }
}

const LAST_OWNER: &str = "a workspace needs at least one owner: make someone else owner first";
