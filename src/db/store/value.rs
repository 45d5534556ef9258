//! A bound value, kept until the query knows which backend runs it.

use sqlx::Arguments;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use std::borrow::Cow;

/// One bound value. A missing one (`NULL`) keeps its type: PostgreSQL types every parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'q> {
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<Cow<'q, str>>),
    Bytes(Option<Cow<'q, [u8]>>),
}

impl<'q> Value<'q> {
    pub(super) fn add_to_sqlite(self, args: &mut SqliteArguments<'q>) -> Result<(), sqlx::Error> {
        match self {
            Self::Int(v) => args.add(v),
            Self::Float(v) => args.add(v),
            Self::Text(v) => args.add(v),
            Self::Bytes(Some(Cow::Borrowed(v))) => args.add(v),
            Self::Bytes(v) => args.add(v.map(Cow::into_owned)),
        }
        .map_err(sqlx::Error::Encode)
    }

    pub(super) fn add_to_postgres(self, args: &mut PgArguments) -> Result<(), sqlx::Error> {
        match self {
            Self::Int(v) => args.add(v),
            Self::Float(v) => args.add(v),
            Self::Text(v) => args.add(v.map(Cow::into_owned)),
            Self::Bytes(v) => args.add(v.map(Cow::into_owned)),
        }
        .map_err(sqlx::Error::Encode)
    }
}

/// What a query can bind. Booleans bind as 0 and 1 on both backends: the schema
/// keeps flags as integers, as SQLite has them.
pub trait Bind<'q> {
    fn into_value(self) -> Value<'q>;
    /// This type's `NULL`.
    fn null() -> Value<'q>
    where
        Self: Sized;
}

macro_rules! bind_int {
    ($($t:ty),*) => {$(
        impl<'q> Bind<'q> for $t {
            fn into_value(self) -> Value<'q> {
                Value::Int(Some(i64::from(self)))
            }
            fn null() -> Value<'q> {
                Value::Int(None)
            }
        }
    )*};
}
bind_int!(i64, i32, u32, i16, u16, u8, bool);

impl<'q> Bind<'q> for f64 {
    fn into_value(self) -> Value<'q> {
        Value::Float(Some(self))
    }
    fn null() -> Value<'q> {
        Value::Float(None)
    }
}

impl<'q> Bind<'q> for &'q str {
    fn into_value(self) -> Value<'q> {
        Value::Text(Some(Cow::Borrowed(self)))
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}

impl<'q> Bind<'q> for &'q String {
    fn into_value(self) -> Value<'q> {
        Value::Text(Some(Cow::Borrowed(self)))
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}

impl<'q> Bind<'q> for String {
    fn into_value(self) -> Value<'q> {
        Value::Text(Some(Cow::Owned(self)))
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}

impl<'q> Bind<'q> for Cow<'q, str> {
    fn into_value(self) -> Value<'q> {
        Value::Text(Some(self))
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}

impl<'q> Bind<'q> for &i64 {
    fn into_value(self) -> Value<'q> {
        Value::Int(Some(*self))
    }
    fn null() -> Value<'q> {
        Value::Int(None)
    }
}

impl<'q> Bind<'q> for &'q Option<String> {
    fn into_value(self) -> Value<'q> {
        Value::Text(self.as_deref().map(Cow::Borrowed))
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}

impl<'q> Bind<'q> for &'q [u8] {
    fn into_value(self) -> Value<'q> {
        Value::Bytes(Some(Cow::Borrowed(self)))
    }
    fn null() -> Value<'q> {
        Value::Bytes(None)
    }
}

impl<'q> Bind<'q> for Vec<u8> {
    fn into_value(self) -> Value<'q> {
        Value::Bytes(Some(Cow::Owned(self)))
    }
    fn null() -> Value<'q> {
        Value::Bytes(None)
    }
}

impl<'q> Bind<'q> for &'q Vec<u8> {
    fn into_value(self) -> Value<'q> {
        Value::Bytes(Some(Cow::Borrowed(self)))
    }
    fn null() -> Value<'q> {
        Value::Bytes(None)
    }
}

impl<'q, T: Bind<'q>> Bind<'q> for Option<T> {
    fn into_value(self) -> Value<'q> {
        self.map_or_else(T::null, T::into_value)
    }
    fn null() -> Value<'q> {
        T::null()
    }
}

impl<'q> Bind<'q> for Value<'q> {
    fn into_value(self) -> Value<'q> {
        self
    }
    fn null() -> Value<'q> {
        Value::Text(None)
    }
}
