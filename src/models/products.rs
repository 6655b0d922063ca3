//! What a merchant sells; its prices say how much and how often.
use loco_rs::prelude::*;
use sea_orm::TransactionSession as _;

pub use super::_entities::products::{self, ActiveModel, Column, Entity, Model};

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let problem = match super::field(&self.name) {
            Some(name) if name.trim().is_empty() => Some("Enter the product's name."),
            Some(name) if super::single_line(&name).is_err() => {
                Some("Enter this on one line, without line breaks.")
            }
            _ => None,
        };
        if let Some(message) = problem {
            return Err(match super::field_error("name", message) {
                ModelError::DbErr(err) => err,
                other => DbErr::Custom(other.to_string()),
            });
        }
        Ok(super::stamp!(self, insert))
    }
}

impl Model {
    /// # Errors
    /// On a database error.
    pub async fn create(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        name: &str,
        description: Option<&str>,
    ) -> ModelResult<Self> {
        let product = ActiveModel {
            name: Set(name.trim().to_string()),
            description: Set(description.map(str::to_string)),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        Ok(product.insert(db).await?)
    }

    /// # Errors
    /// `EntityNotFound` unless the product exists in this workspace.
    pub async fn find_in_workspace(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        id: i64,
    ) -> ModelResult<Self> {
        Entity::find_by_id(id)
            .in_tenant(workspace_id)
            .one(db)
            .await?
            .ok_or(ModelError::EntityNotFound)
    }

    /// # Errors
    /// On a database error.
    pub async fn list(db: &impl ConnectionTrait, workspace_id: i64) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .order_by_asc(Column::Name)
            .all(db)
            .await?)
    }

    /// Renames or re-describes the product (what invoices and the portal
    /// call it from now on; amounts and cycles are the prices').
    ///
    /// # Errors
    /// A validation error naming the field; a database error.
    pub async fn update_details(
        self,
        db: &impl ConnectionTrait,
        name: &str,
        description: Option<&str>,
    ) -> ModelResult<Self> {
        let description = description.map(str::trim).filter(|d| !d.is_empty());
        let mut product = self.into_active_model();
        product.name = Set(name.trim().to_string());
        product.description = Set(description.map(str::to_string));
        Ok(product.update(db).await?)
    }

    /// Archives the product with all its prices (nobody can start or switch
    /// to them; running subscriptions go on as agreed), or restores the
    /// product alone (each price is restored on its own, so an old price is
    /// not offered again by accident).
    ///
    /// # Errors
    /// On a database error.
    pub async fn set_active<D>(self, db: &D, active: bool) -> ModelResult<Self>
    where
        D: ConnectionTrait + TransactionTrait,
    {
        let txn = super::write_transaction(db).await?;
        if !active {
            super::prices::Entity::update_many()
                .col_expr(
                    super::prices::Column::Active,
                    sea_orm::sea_query::Expr::value(false),
                )
                .in_tenant(self.workspace_id)
                .filter(super::prices::Column::ProductId.eq(self.id))
                .exec(&txn)
                .await?;
        }
        let mut product = self.into_active_model();
        product.active = Set(active);
        let product = product.update(&txn).await?;
        txn.commit().await?;
        Ok(product)
    }
}
