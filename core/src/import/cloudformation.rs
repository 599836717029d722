//! CloudFormation and SAM templates (YAML with the short-form intrinsics, or JSON) → the
//! resources [`super::aws`] drafts the model from.
//!
//! Short forms (`!Ref x`, `!GetAtt a.b`, `!Sub …`) become their long forms (`{"Ref": "x"}`,
//! `{"Fn::GetAtt": ["a", "b"]}`) as the YAML is read; an unknown tag, or an unknown `Fn::`
//! function in JSON, is a located error. References between resources must not form a cycle
//! (CloudFormation refuses such a template too): the resource that closes one is named, with
//! the cycle. SAM's `Globals.Function` properties apply to every `AWS::Serverless::Function`
//! that does not set them. Nested stacks (`AWS::CloudFormation::Stack`,
//! `AWS::Serverless::Application`) are listed in the report with the location of their
//! template, which is another file: import it on its own.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::aws::{self, Resolver, Resource, INTRINSICS};
use super::build::Builder;
use super::document::{At, Reader};

/// Does the document look like a CloudFormation template?
pub fn sniff(value: &Value) -> bool {
    let Some(resources) = value.get("Resources").and_then(Value::as_object) else {
        return false;
    };
    value.get("AWSTemplateFormatVersion").is_some()
        || value.get("Transform").is_some()
        || resources.values().any(|r| {
            r.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("AWS::"))
        })
}

/// The short-form intrinsics: `!Ref` → `{"Ref": …}`, `!GetAtt a.b` → `{"Fn::GetAtt": [a, b]}`,
/// `!Condition` → `{"Condition": …}`, `!Sub` and the others → `{"Fn::Sub": …}`.
pub fn resolve_tag(tag: &str, value: Value) -> Result<Value, String> {
    let name = tag.strip_prefix('!').unwrap_or(tag);
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_owned(), value),
        "GetAtt" => {
            let value = match value {
                Value::String(dotted) => match dotted.split_once('.') {
                    Some((resource, attribute)) => Value::Array(vec![
                        Value::String(resource.to_owned()),
                        Value::String(attribute.to_owned()),
                    ]),
                    None => return Err(format!("!GetAtt {dotted:?}: expected RESOURCE.ATTRIBUTE")),
                },
                other => other,
            };
            ("Fn::GetAtt".to_owned(), value)
        }
        _ if INTRINSICS.contains(&name) => (format!("Fn::{name}"), value),
        _ => {
            return Err(format!(
                "unknown intrinsic function {tag}: CloudFormation has !Ref, !Condition and !{}",
                INTRINSICS.join(", !")
            ))
        }
    };
    let mut map = Map::new();
    map.insert(key, value);
    Ok(Value::Object(map))
}

/// Reads a template into the builder.
pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    let template = root.value;
    if let Some(version) = template
        .get("AWSTemplateFormatVersion")
        .and_then(Value::as_str)
    {
        builder.version = Some(version.to_owned());
    }
    check_intrinsics(reader, &root);
    let Some(resources_at) = reader.object_field(&root, "Resources") else {
        reader.error(
            &root.pointer,
            "missing field \"Resources\": a template has resources",
        );
        return;
    };
    if let Some(description) = reader.string(&root, "Description") {
        let element = builder.element("/Description", "description", None, None);
        builder.describe_model(element, "", Some(description));
    }
    let globals = template
        .pointer("/Globals/Function")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let map = resources_at.value.as_object().cloned().unwrap_or_default();
    let mut resources = Vec::new();
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, _) in &map {
        let Some(at) = resources_at.get(name) else {
            continue;
        };
        if reader.object(&at).is_none() {
            continue;
        }
        let Some(kind) = reader.required_string(&at, "Type") else {
            continue;
        };
        let mut props = match at.get("Properties") {
            Some(p) => match reader.object(&p) {
                Some(m) => Value::Object(m.clone()),
                None => continue,
            },
            None => Value::Object(Map::new()),
        };
        if kind == "AWS::Serverless::Function" {
            if let Value::Object(own) = &mut props {
                for (key, value) in &globals {
                    own.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
        if kind == "AWS::CloudFormation::Stack" || kind == "AWS::Serverless::Application" {
            let element = builder.element(&at.pointer, kind, Some(name), Some(name));
            let location = aws::at(&props, "template_url")
                .into_iter()
                .chain(aws::at(&props, "location"))
                .next()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_else(|| "not given".to_owned());
            builder.dropped(
                element,
                format!(
                    "nested stack: its template ({location}) is another file; import it on its own"
                ),
            );
            continue;
        }
        let mut after: Vec<String> = match at.get("DependsOn").map(|d| d.value.clone()) {
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        after.retain(|d| map.contains_key(d));
        depends.insert(name.clone(), after);
        resources.push(Resource {
            address: name.clone(),
            kind: kind.to_owned(),
            props,
            pointer: at.pointer.clone(),
            name: name.clone(),
            region: None,
        });
    }
    // SAM makes an API for functions whose Api/HttpApi events name none.
    for (implicit, event, kind) in [
        ("ServerlessRestApi", "Api", "AWS::Serverless::Api"),
        ("ServerlessHttpApi", "HttpApi", "AWS::Serverless::HttpApi"),
    ] {
        let user = resources.iter().find(|r| {
            r.kind == "AWS::Serverless::Function"
                && aws::at(&r.props, "events").iter().any(|events| {
                    events.as_object().is_some_and(|events| {
                        events.values().any(|e| {
                            e.get("Type").and_then(Value::as_str) == Some(event)
                                && e.pointer(if event == "Api" {
                                    "/Properties/RestApiId"
                                } else {
                                    "/Properties/ApiId"
                                })
                                .is_none()
                        })
                    })
                })
        });
        if let Some(user) = user {
            if !map.contains_key(implicit) {
                let pointer = user.pointer.clone();
                let auth = template
                    .pointer(&format!("/Globals/{event}/Auth"))
                    .cloned()
                    .map(|auth| serde_json::json!({ "Auth": auth }))
                    .unwrap_or_else(|| Value::Object(Map::new()));
                resources.push(Resource {
                    address: implicit.to_owned(),
                    kind: kind.to_owned(),
                    props: auth,
                    pointer,
                    name: implicit.to_owned(),
                    region: None,
                });
            }
        }
    }
    if !check_cycles(reader, &resources, &depends) {
        return;
    }
    aws::draft(&resources, builder);
}

/// An `Fn::` key that CloudFormation does not define is an error where it is written (the
/// YAML reader already refused unknown tags).
fn check_intrinsics(reader: &mut Reader, root: &At) {
    let mut stack = vec![(root.value, root.pointer.clone())];
    while let Some((value, pointer)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    let child = format!("{pointer}/{}", crate::load::escape_segment(key));
                    if let Some(name) = key.strip_prefix("Fn::") {
                        if !INTRINSICS.contains(&name) {
                            reader.error(&child, format!("unknown intrinsic function {key}"));
                        }
                    }
                    stack.push((member, child));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
}

/// References (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`) between resources must not form
/// a cycle; the first resource found on one gets the error.
fn check_cycles(
    reader: &mut Reader,
    resources: &[Resource],
    depends: &BTreeMap<String, Vec<String>>,
) -> bool {
    let resolver = Resolver::written_only(resources);
    let index: BTreeMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = resources
        .iter()
        .map(|r| {
            let mut targets = resolver.refs(&r.props);
            targets.extend(depends.get(&r.address).cloned().unwrap_or_default());
            targets
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    // Iterative depth-first search: 0 unvisited, 1 on the path, 2 done.
    let mut state = vec![0u8; resources.len()];
    for start in 0..resources.len() {
        if state[start] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&target) = edges[node].get(*next) {
                *next += 1;
                match state[target] {
                    0 => {
                        state[target] = 1;
                        path.push((target, 0));
                    }
                    1 => {
                        let from = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
                        let mut names: Vec<&str> = path[from..]
                            .iter()
                            .map(|(n, _)| resources[*n].address.as_str())
                            .collect();
                        names.push(&resources[target].address);
                        let r = &resources[node];
                        reader.error(
                            &r.pointer,
                            format!(
                                "circular reference between resources: {} (CloudFormation refuses such a template)",
                                names.join(" → ")
                            ),
                        );
                        return false;
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                path.pop();
            }
        }
    }
    true
}
