//! JSON that keeps its keys in the order they were written, so that rewriting
//! `openapi.json` (`UPDATE_OPENAPI=1`) changes only the components that changed.
//! (`serde_json::Value` sorts keys: this crate does not enable `preserve_order`.)

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Number, Value};
use std::fmt;

#[derive(Debug, Clone)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// The order keys of a schema written anew take: the usual reading order, then the rest by name.
const KEY_ORDER: [&str; 19] = [
    "$ref",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "format",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "required",
    "additionalProperties",
    "properties",
    "prefixItems",
    "items",
];

impl Json {
    /// The same JSON as a `Value` (key order dropped), to compare.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("JSON")
    }

    /// A schema as a `Value`, its keywords in the usual reading order and its
    /// properties in the order of `required` (the fields' order), the others after by name.
    pub fn from_value(schema: &Value) -> Json {
        Json::from_schema(schema, &|k| KEY_ORDER.iter().position(|o| *o == k).unwrap_or(KEY_ORDER.len()))
    }

    fn from_schema(value: &Value, rank: &dyn Fn(&str) -> usize) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(s.clone()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => {
                let required: Vec<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let field = |k: &str| required.iter().position(|r| *r == k).unwrap_or(required.len());
                let mut entries: Vec<(String, Json)> = map
                    .iter()
                    .map(|(k, v)| {
                        let inner = match (k.as_str(), v) {
                            ("properties", Value::Object(fields)) => {
                                let mut fields: Vec<(String, Json)> =
                                    fields.iter().map(|(name, s)| (name.clone(), Json::from_value(s))).collect();
                                fields.sort_by(|(a, _), (b, _)| field(a).cmp(&field(b)).then_with(|| a.cmp(b)));
                                Json::Object(fields)
                            }
                            _ => Json::from_schema(v, rank),
                        };
                        (k.clone(), inner)
                    })
                    .collect();
                entries.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
                Json::Object(entries)
            }
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => n.serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => items.serialize(serializer),
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Json, E> {
                Number::from_f64(n).map(Json::Number).ok_or_else(|| E::custom("not a JSON number"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::String(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Json::Object(entries))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}
