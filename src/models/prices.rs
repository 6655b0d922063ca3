//! A price: an amount in minor units and an ISO currency, charged every
//! `interval_count` `interval`s, optionally after a free trial.
use chrono::{DateTime, Datelike as _, FixedOffset, Months};
use loco_rs::prelude::*;
use serde::Deserialize;

pub use super::_entities::prices::{self, ActiveModel, Column, Entity, Model};
use super::money::{is_currency_code, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Day, Self::Week, Self::Month, Self::Year]
            .into_iter()
            .find(|i| i.as_str() == value)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewPrice {
    pub product_id: i64,
    pub nickname: Option<String>,
    pub unit_amount: i64,
    pub currency: String,
    pub interval: String,
    pub interval_count: i32,
    #[serde(default)]
    pub trial_days: i32,
}

fn validate_currency(currency: &str) -> Result<(), validator::ValidationError> {
    if is_currency_code(currency) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("currency")
            .with_message("use a three-letter ISO currency code such as USD".into()))
    }
}

fn validate_interval(interval: &str) -> Result<(), validator::ValidationError> {
    if Interval::parse(interval).is_some() {
        Ok(())
    } else {
        Err(validator::ValidationError::new("interval")
            .with_message("use day, week, month or year".into()))
    }
}

#[derive(Debug, Validate)]
pub struct Validator {
    #[validate(range(min = 0, message = "the amount cannot be negative"))]
    pub unit_amount: Option<i64>,
    #[validate(custom(function = "validate_currency"))]
    pub currency: Option<String>,
    #[validate(custom(function = "validate_interval"))]
    pub interval: Option<String>,
    #[validate(range(min = 1, max = 36, message = "bill every 1 to 36 intervals"))]
    pub interval_count: Option<i32>,
    #[validate(range(min = 0, max = 730, message = "a trial lasts 0 to 730 days"))]
    pub trial_days: Option<i32>,
}

impl Validatable for ActiveModel {
    fn validator(&self) -> Box<dyn Validate> {
        Box::new(Validator {
            unit_amount: super::field(&self.unit_amount),
            currency: super::field(&self.currency),
            interval: super::field(&self.interval),
            interval_count: super::field(&self.interval_count),
            trial_days: super::field(&self.trial_days),
        })
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        self.validate()?;
        Ok(super::stamp!(self, insert))
    }
}

impl Model {
    /// Creates a price for one of the workspace's products.
    ///
    /// # Errors
    /// `EntityNotFound` when the product is not in this workspace; a
    /// validation error naming the field otherwise.
    pub async fn create(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        params: &NewPrice,
    ) -> ModelResult<Self> {
        let product =
            super::products::Model::find_in_workspace(db, workspace_id, params.product_id).await?;
        // whoever asks (console or API): an archived product sells nothing new
        if !product.active {
            return Err(super::field_error(
                "product",
                "This product is archived: restore it before adding a price.",
            ));
        }
        let price = ActiveModel {
            product_id: Set(params.product_id),
            nickname: Set(params.nickname.clone()),
            unit_amount: Set(params.unit_amount),
            currency: Set(params.currency.to_uppercase()),
            interval: Set(params.interval.clone()),
            interval_count: Set(params.interval_count),
            trial_days: Set(params.trial_days),
            ..Default::default()
        }
        .set_tenant(workspace_id)?;
        Ok(price.insert(db).await?)
    }

    /// # Errors
    /// `EntityNotFound` unless the price exists in this workspace.
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

    /// The prices offered now, with their products, by product and amount.
    ///
    /// # Errors
    /// On a database error.
    pub async fn active_with_products(
        db: &impl ConnectionTrait,
        workspace_id: i64,
    ) -> ModelResult<Vec<(Self, super::products::Model)>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Active.eq(true))
            .order_by_asc(Column::ProductId)
            .order_by_asc(Column::UnitAmount)
            .find_also_related(super::products::Entity)
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(price, product)| product.map(|p| (price, p)))
            .collect())
    }

    /// A product's prices: those offered first, then by amount.
    ///
    /// # Errors
    /// On a database error.
    pub async fn for_product(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        product_id: i64,
    ) -> ModelResult<Vec<Self>> {
        Ok(Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::ProductId.eq(product_id))
            .order_by_desc(Column::Active)
            .order_by_asc(Column::UnitAmount)
            .order_by_asc(Column::Id)
            .all(db)
            .await?)
    }

    /// Prices by id with their products, for listing subscriptions.
    ///
    /// # Errors
    /// On a database error.
    pub async fn with_products(
        db: &impl ConnectionTrait,
        workspace_id: i64,
        price_ids: &[i64],
    ) -> ModelResult<std::collections::HashMap<i64, (Self, super::products::Model)>> {
        let rows = Entity::find()
            .in_tenant(workspace_id)
            .filter(Column::Id.is_in(price_ids.to_vec()))
            .find_also_related(super::products::Entity)
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(price, product)| product.map(|p| (price.id, (price, p))))
            .collect())
    }

    /// Sets what customers may do with this price: switch to it (among the
    /// switchable prices on the same cycle and currency) and, for a per-seat
    /// price, choose between `min_quantity` and `max_quantity` seats (no
    /// maximum: the merchant sets the quantity).
    ///
    /// # Errors
    /// `Message` for bounds that are not `1 <= min <= max`; a database error.
    pub async fn set_customer_options(
        self,
        db: &impl ConnectionTrait,
        customer_switchable: bool,
        min_quantity: i32,
        max_quantity: Option<i32>,
    ) -> ModelResult<Self> {
        if min_quantity < 1 || max_quantity.is_some_and(|max| max < min_quantity) {
            return Err(ModelError::Message(
                "Seats need a minimum of at least 1 and a maximum no lower than the minimum."
                    .into(),
            ));
        }
        let mut price = self.into_active_model();
        price.customer_switchable = Set(customer_switchable);
        price.min_quantity = Set(min_quantity);
        price.max_quantity = Set(max_quantity);
        Ok(price.update(db).await?)
    }

    /// How many subscriptions pay this price, or will from their next period.
    ///
    /// # Errors
    /// On a database error.
    pub async fn subscriptions_using(&self, db: &impl ConnectionTrait) -> ModelResult<u64> {
        use super::subscriptions;
        Ok(subscriptions::Entity::find()
            .in_tenant(self.workspace_id)
            .filter(
                sea_orm::Condition::any()
                    .add(subscriptions::Column::PriceId.eq(self.id))
                    .add(subscriptions::Column::ScheduledPriceId.eq(self.id)),
            )
            .count(db)
            .await?)
    }

    /// Changes a price: its nickname and trial (for subscriptions started
    /// from now on) always; its amount, currency and cycle only while no
    /// subscription uses it, because customers agreed to those: a used price
    /// is replaced by a new one instead.
    ///
    /// # Errors
    /// A validation error naming the field (`unit_amount` when the price is
    /// in use and its terms would change); a database error.
    pub async fn revise(self, db: &impl ConnectionTrait, terms: &NewPrice) -> ModelResult<Self> {
        let changes_terms = (
            self.unit_amount,
            self.currency.as_str(),
            self.interval.as_str(),
            self.interval_count,
        ) != (
            terms.unit_amount,
            terms.currency.as_str(),
            terms.interval.as_str(),
            terms.interval_count,
        );
        if changes_terms {
            let using = self.subscriptions_using(db).await?;
            if using > 0 {
                return Err(super::field_error(
                    "unit_amount",
                    &format!(
                        "{using} subscription(s) pay this price, so its amount and cycle stay as agreed. Add a new price and archive this one."
                    ),
                ));
            }
        }
        let mut price = self.into_active_model();
        price.nickname = Set(terms
            .nickname
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string));
        price.trial_days = Set(terms.trial_days);
        if changes_terms {
            price.unit_amount = Set(terms.unit_amount);
            price.currency = Set(terms.currency.to_uppercase());
            price.interval = Set(terms.interval.clone());
            price.interval_count = Set(terms.interval_count);
        }
        Ok(price.update(db).await?)
    }

    /// Archives the price (nobody can start or switch to it; subscriptions
    /// on it go on) or offers it again.
    ///
    /// # Errors
    /// `Message` when restoring a price of an archived product; a database
    /// error.
    pub async fn set_active(self, db: &impl ConnectionTrait, active: bool) -> ModelResult<Self> {
        if active
            && !super::products::Model::find_in_workspace(db, self.workspace_id, self.product_id)
                .await?
                .active
        {
            return Err(ModelError::Message(
                "Its product is archived: restore the product first.".into(),
            ));
        }
        let mut price = self.into_active_model();
        price.active = Set(active);
        Ok(price.update(db).await?)
    }

    #[must_use]
    pub fn unit_price(&self) -> Money<'_> {
        Money::new(self.unit_amount, &self.currency)
    }

    #[must_use]
    pub fn interval(&self) -> Interval {
        Interval::parse(&self.interval).unwrap_or(Interval::Month)
    }

    /// The billing cycle in words, for the console and exports (English):
    /// "monthly", "every 3 months".
    #[must_use]
    pub fn interval_words(&self) -> String {
        self.interval_words_in(crate::locale::DEFAULT)
    }

    /// The billing cycle in the reader's language ("monthly", "alle 3
    /// Monate", "tous les 3 mois").
    #[must_use]
    pub fn interval_words_in(&self, lang: &str) -> String {
        crate::locale::text_counted(
            lang,
            &format!("cycle-{}", self.interval().as_str()),
            i64::from(self.interval_count),
            &[],
        )
    }

    /// The end of a first billing period that starts at `start` (which is
    /// then the subscription's billing anchor).
    #[must_use]
    pub fn period_end(&self, start: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        self.period_end_from(start, start)
    }

    /// The end of the period that starts at `start`, for a subscription whose
    /// periods are counted from its billing `anchor`: the first
    /// `anchor + k intervals` after `start`. Months are added to the anchor,
    /// not to the previous period's end, so a subscription anchored on
    /// January 31 renews on February 28 (29), March 31, April 30, as
    /// Stripe's billing cycle anchor does; a day that a month lacks clamps to
    /// its last day. Days and weeks are fixed lengths from the anchor.
    #[must_use]
    pub fn period_end_from(
        &self,
        anchor: DateTime<FixedOffset>,
        start: DateTime<FixedOffset>,
    ) -> DateTime<FixedOffset> {
        let count = u32::try_from(self.interval_count.max(1)).unwrap_or(1);
        let step_months = match self.interval() {
            Interval::Day | Interval::Week => {
                let days = i64::from(count)
                    * if self.interval() == Interval::Week {
                        7
                    } else {
                        1
                    };
                let step = chrono::TimeDelta::days(days);
                let elapsed = start - anchor;
                let steps = if elapsed < chrono::TimeDelta::zero() {
                    0
                } else {
                    elapsed.num_seconds() / step.num_seconds() + 1
                };
                return anchor + step * i32::try_from(steps).unwrap_or(i32::MAX);
            }
            Interval::Month => count,
            Interval::Year => 12 * count,
        };
        // whole months from the anchor to the start, a step or so before the answer
        let months_between = (start.year() - anchor.year()) * 12
            + i32::try_from(start.month()).unwrap_or(0)
            - i32::try_from(anchor.month()).unwrap_or(0);
        let mut k = u32::try_from(months_between.max(0)).unwrap_or(0) / step_months;
        loop {
            match anchor.checked_add_months(Months::new(k * step_months)) {
                Some(end) if end > start => return end,
                Some(_) => k += 1,
                None => return start,
            }
        }
    }
}
