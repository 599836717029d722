//! The JSON Schema of `flowmap/1`, generated from the Rust types.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::model::{Model, RuleSetting};
use crate::Severity;

/// The schema as pretty JSON with a trailing newline (what `schema/flowmap-1.schema.json` holds).
pub fn schema_json() -> String {
    let mut schema = schemars::schema_for!(Model);
    schema.insert(
        "$id".into(),
        "https://flowmap.dev/schema/flowmap-1.schema.json".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}

pub(crate) fn format_tag(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "const": crate::model::FORMAT, "description": "The format tag." })
}

impl JsonSchema for RuleSetting {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleSetting".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let severity = generator.subschema_for::<Severity>();
        json_schema!({
            "description": "\"off\" to switch the rule off, or an object that re-grades its findings.",
            "oneOf": [
                { "const": "off" },
                {
                    "type": "object",
                    "properties": { "severity": severity },
                    "required": ["severity"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl serde::Serialize for RuleSetting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            RuleSetting::Off => serializer.serialize_str("off"),
            RuleSetting::Severity(severity) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("severity", severity)?;
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for RuleSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Regrade {
            severity: Severity,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RuleSetting;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"off\" or an object such as {\"severity\": \"low\"}")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RuleSetting, E> {
                match value {
                    "off" => Ok(RuleSetting::Off),
                    other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RuleSetting, A::Error> {
                let regrade = <Regrade as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(RuleSetting::Severity(regrade.severity))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
