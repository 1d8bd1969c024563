//! Pagination shared by every list: `?page=&per_page=` in, `{items, total, page, per_page}` out.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{FieldError, FieldErrorCode};
use crate::error::AppError;

/// Default page size.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;

/// Page parameters as sent.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Checked page parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl PageParams {
    /// Checks the ranges, naming the parameter on failure.
    pub fn parse(self) -> Result<Page, AppError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=1_000_000).contains(&page) {
            return Err(out_of_range("page", 1_000_000));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(out_of_range("per_page", MAX_PER_PAGE));
        }
        Ok(Page { page, per_page })
    }
}

/// A 422 for a page parameter outside `1..=max`.
fn out_of_range(field: &str, max: u32) -> AppError {
    AppError::Validation(vec![FieldError::of(field, FieldErrorCode::OutOfRange)
        .param("min", 1)
        .param("max", max)])
}

impl Page {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
    /// Rows to take.
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
    /// Wraps one page of items.
    pub fn wrap<T>(self, items: Vec<T>, total: i64) -> Paginated<T> {
        Paginated {
            items,
            total: total.max(0) as u64,
            page: self.page,
            per_page: self.per_page,
        }
    }
    /// Takes this page out of an in-memory list.
    pub fn slice<T>(self, all: Vec<T>) -> Paginated<T> {
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(self.offset() as usize)
            .take(self.per_page as usize)
            .collect();
        self.wrap(items, total)
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Number of items in the whole list.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        assert_eq!(
            PageParams::default().parse().unwrap(),
            Page {
                page: 1,
                per_page: 20
            }
        );
        assert!(PageParams {
            page: Some(0),
            per_page: None
        }
        .parse()
        .is_err());
        assert!(PageParams {
            page: None,
            per_page: Some(101)
        }
        .parse()
        .is_err());
        let p = PageParams {
            page: Some(3),
            per_page: Some(10),
        }
        .parse()
        .unwrap();
        assert_eq!((p.offset(), p.limit()), (20, 10));
        let sliced = p.slice((0..25).collect::<Vec<_>>());
        assert_eq!((sliced.items, sliced.total), (vec![20, 21, 22, 23, 24], 25));
    }
}
