//! Terraform: the JSON of `terraform show -json PLANFILE` (a plan: `planned_values`, with the
//! `configuration` whose expressions say which resource refers to which) and of
//! `terraform show -json` (a state: `values`) → the resources [`super::aws`] drafts the model
//! from.
//!
//! Child modules are followed (`child_modules`, to any depth the file has, bounded by the
//! document's own depth limit). A plan's configuration references (`aws_sqs_queue.jobs.arn`)
//! become `{"Ref": "aws_sqs_queue.jobs"}` in the resource's properties, resolved within the
//! module the resource is in; a state has no configuration, so references are found by the
//! literal ARNs, names and ids of other resources. Data sources are listed in the report and
//! not drawn; resources of other providers are listed as unknown types.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::aws::{self, Resource};
use super::build::Builder;
use super::document::Reader;

/// Does the document look like the JSON of `terraform show -json`?
pub fn sniff(value: &Value) -> bool {
    value.get("format_version").is_some()
        && (value.get("planned_values").is_some()
            || value.get("values").is_some()
            || value.get("terraform_version").is_some())
}

/// `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b` (the configuration's
/// address: instance keys dropped).
fn config_address(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The module part of a configuration address (`module.a.module.b.`), with its dot.
fn module_prefix(address: &str) -> &str {
    let parts: Vec<&str> = address.split('.').collect();
    let mut end = 0;
    let mut i = 0;
    while i + 1 < parts.len() && parts[i] == "module" {
        end += parts[i].len() + parts[i + 1].len() + 2;
        i += 2;
    }
    &address[..end.min(address.len())]
}

/// Reads a plan or a state into the builder.
pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    if let Some(version) = reader.string(&root, "terraform_version") {
        builder.version = Some(version.to_owned());
    }
    let values = match (root.get("planned_values"), root.get("values")) {
        (Some(planned), _) => planned,
        (None, Some(values)) => values,
        (None, None) => {
            reader.error(
                &root.pointer,
                "not a Terraform plan or state: expected \"planned_values\" (terraform show -json PLANFILE) or \"values\" (terraform show -json)",
            );
            return;
        }
    };
    let region = root
        .value
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut expressions: BTreeMap<String, Value> = BTreeMap::new();
    if let Some(config) = root.value.pointer("/configuration/root_module") {
        collect_config(config, "", &mut expressions, 0);
    }
    let Some(module) = reader.object_field(&values, "root_module") else {
        if reader.object(&values).is_some() {
            reader.error(&values.pointer, "missing field \"root_module\"");
        }
        return;
    };
    let mut resources = Vec::new();
    let mut modules = vec![module];
    while let Some(module) = modules.pop() {
        for at in reader.list(&module, "resources") {
            if reader.object(&at).is_none() {
                continue;
            }
            let (Some(address), Some(kind)) = (
                reader.required_string(&at, "address"),
                reader.required_string(&at, "type"),
            ) else {
                continue;
            };
            let mode = reader.string(&at, "mode").unwrap_or("managed");
            if mode == "data" {
                let element = builder.element(&at.pointer, kind, Some(address), None);
                builder.dropped(
                    element,
                    "data source: read by the plan, not a resource it creates",
                );
                continue;
            }
            let values = match at.get("values") {
                Some(v) => match reader.object(&v) {
                    Some(m) => Value::Object(m.clone()),
                    None => continue,
                },
                None => Value::Object(Map::new()),
            };
            let config = config_address(address);
            let prefix = module_prefix(&config).to_owned();
            let props = match expressions.get(&config) {
                Some(expr) => with_references(&values, expr, &prefix, &expressions, 0),
                None => values,
            };
            let name = [
                "name",
                "function_name",
                "bucket",
                "table_name",
                "domain_name",
            ]
            .iter()
            .find_map(|k| props.get(*k).and_then(Value::as_str))
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| config.clone());
            let region = props
                .get("arn")
                .and_then(Value::as_str)
                .and_then(aws::region_of_arn)
                .or_else(|| region.clone());
            resources.push(Resource {
                address: config,
                kind: kind.to_owned(),
                props,
                pointer: at.pointer.clone(),
                name,
                region,
            });
        }
        let children = reader.list(&module, "child_modules");
        modules.extend(children.into_iter().rev());
    }
    // Instances of one resource (count, for_each) share a configuration address: keep the
    // first, and say how many there are.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    resources.retain(|r| {
        let n = seen.entry(r.address.clone()).or_insert(0);
        *n += 1;
        *n == 1
    });
    aws::draft(&resources, builder);
}

/// Every resource's expressions, by configuration address, through module calls.
fn collect_config(module: &Value, prefix: &str, out: &mut BTreeMap<String, Value>, depth: usize) {
    if depth > 32 {
        return;
    }
    if let Some(resources) = module.get("resources").and_then(Value::as_array) {
        for r in resources {
            if let (Some(address), Some(expr)) = (
                r.get("address").and_then(Value::as_str),
                r.get("expressions"),
            ) {
                out.insert(format!("{prefix}{address}"), expr.clone());
            }
        }
    }
    // A module's outputs, as `PREFIX output.NAME` → the output expression's references.
    if let Some(outputs) = module.get("outputs").and_then(Value::as_object) {
        for (name, output) in outputs {
            if let Some(refs) = output.pointer("/expression/references") {
                out.insert(format!("{prefix}output.{name}"), refs.clone());
            }
        }
    }
    if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
        for (name, call) in calls {
            if let Some(child) = call.get("module") {
                collect_config(child, &format!("{prefix}module.{name}."), out, depth + 1);
            }
        }
    }
}

/// The values with each attribute whose expression references resources replaced by
/// `{"Ref": address}` (a list of them when several).
fn with_references(
    values: &Value,
    expr: &Value,
    prefix: &str,
    config: &BTreeMap<String, Value>,
    depth: usize,
) -> Value {
    if depth > 32 {
        return values.clone();
    }
    match (values, expr) {
        (Value::Object(vals), Value::Object(exprs)) => {
            let mut out = vals.clone();
            for (key, e) in exprs {
                if let Some(Value::Array(refs)) = e.get("references") {
                    let targets = targets(refs, prefix, config, 0);
                    if !targets.is_empty() {
                        let refs: Vec<Value> = targets
                            .into_iter()
                            .map(|t| serde_json::json!({ "Ref": t }))
                            .collect();
                        let value = if refs.len() == 1 {
                            refs.into_iter().next().unwrap_or(Value::Null)
                        } else {
                            Value::Array(refs)
                        };
                        out.insert(key.clone(), value);
                    }
                } else if let Some(v) = vals.get(key) {
                    out.insert(
                        key.clone(),
                        with_references(v, e, prefix, config, depth + 1),
                    );
                }
            }
            Value::Object(out)
        }
        (Value::Array(vals), Value::Array(exprs)) => Value::Array(
            vals.iter()
                .enumerate()
                .map(|(i, v)| match exprs.get(i).or(exprs.first()) {
                    Some(e) => with_references(v, e, prefix, config, depth + 1),
                    None => v.clone(),
                })
                .collect(),
        ),
        _ => values.clone(),
    }
}

/// `aws_sqs_queue.jobs.arn`, `aws_sqs_queue.jobs` → `PREFIX aws_sqs_queue.jobs`;
/// `module.db.table_arn` → the resources the `db` module's output `table_arn` references,
/// followed through nested modules (variables, locals and data sources are no resources).
fn targets(
    refs: &[Value],
    prefix: &str,
    config: &BTreeMap<String, Value>,
    depth: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if depth > 16 {
        return out;
    }
    for r in refs.iter().filter_map(Value::as_str) {
        let r = config_address(r);
        let mut parts = r.split('.');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let found = if kind == "module" {
            let Some(output) = parts.next() else { continue };
            let child = format!("{prefix}module.{name}.");
            match config.get(&format!("{child}output.{output}")) {
                Some(Value::Array(inner)) => targets(inner, &child, config, depth + 1),
                _ => Vec::new(),
            }
        } else if kind.starts_with("aws_") {
            vec![format!("{prefix}{kind}.{name}")]
        } else {
            Vec::new()
        };
        for address in found {
            if !out.contains(&address) {
                out.push(address);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_instance_keys_and_keep_modules() {
        assert_eq!(
            config_address("module.a[\"x\"].aws_s3_bucket.b[0]"),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(
            module_prefix("module.a.module.b.aws_s3_bucket.c"),
            "module.a.module.b."
        );
        assert_eq!(module_prefix("aws_s3_bucket.c"), "");
        let refs = [
            Value::from("aws_sqs_queue.q.arn"),
            Value::from("aws_sqs_queue.q"),
            Value::from("var.x"),
        ];
        let none = BTreeMap::new();
        assert_eq!(
            targets(&refs, "module.m.", &none, 0),
            ["module.m.aws_sqs_queue.q"]
        );
        let mut config = BTreeMap::new();
        config.insert(
            "module.db.output.arn".to_owned(),
            serde_json::json!(["aws_dynamodb_table.t.arn", "aws_dynamodb_table.t"]),
        );
        let via_output = [Value::from("module.db.arn"), Value::from("module.db")];
        assert_eq!(
            targets(&via_output, "", &config, 0),
            ["module.db.aws_dynamodb_table.t"]
        );
    }
}
