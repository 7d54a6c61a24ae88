//! Holds a JSON value against one of the generated schemas, naming every place they part.
//!
//! It reads the part of JSON Schema that `cargo xtask schema` writes (`type`, `properties`,
//! `required`, `items`, `$ref` into `$defs`, `anyOf`/`oneOf`, `enum`, `const`, `minimum`,
//! `maximum`, `minItems`, `maxItems`, and the non-blank `pattern`), and is stricter than JSON
//! Schema in one place on purpose: a member the schema does not list is reported, because the
//! models drop it on decoding, which is exactly what a check of recorded answers is for.

use serde_json::{Map, Value};

/// One place where a value and the schema part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Where: `SearchForImagesResult.Images[0].ImageId`.
    pub at: String,
    /// How.
    pub what: String,
}

/// Checks `value` against `schema` (a whole schema file, whose `$defs` its `$ref`s point
/// into); `at` names the value.
pub fn check(schema: &Value, value: &Value, at: &str, out: &mut Vec<Finding>) {
    check_at(schema, schema, value, at, out);
}

fn push(out: &mut Vec<Finding>, at: &str, what: String) {
    out.push(Finding {
        at: if at.is_empty() {
            "(top)".into()
        } else {
            at.into()
        },
        what,
    });
}

fn member(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

/// A JSON pointer (`#/$defs/Image`) resolved in `root`.
fn resolve<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let path = pointer.strip_prefix('#')?;
    if path.is_empty() {
        return Some(root);
    }
    root.pointer(path)
}

fn kind(v: &Value) -> String {
    let shown = |s: String| {
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s
        }
    };
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({})", shown(format!("{s:?}"))),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

fn check_at(root: &Value, schema: &Value, v: &Value, at: &str, out: &mut Vec<Finding>) {
    // `true` and other non-object schemas accept anything.
    let Some(s) = schema.as_object() else {
        return;
    };
    if let Some(pointer) = s.get("$ref").and_then(Value::as_str) {
        match resolve(root, pointer) {
            Some(target) => check_at(root, target, v, at, out),
            None => push(
                out,
                at,
                format!("the schema's $ref {pointer} leads nowhere"),
            ),
        }
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            out.extend(best_branch(root, branches, v, at));
        }
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| is_type(v, t)) {
            let wanted = types.join(" or ");
            push(
                out,
                at,
                format!("{} where the schema says {wanted}", kind(v)),
            );
            return;
        }
    }
    let listed = s.get("enum").and_then(Value::as_array);
    if listed.is_some_and(|options| !options.contains(v)) {
        let what = format!("{} is none of the values the schema lists", kind(v));
        push(out, at, what);
    }
    if let Some(c) = s.get("const").filter(|c| *c != v) {
        push(
            out,
            at,
            format!("{} where the schema says exactly {c}", kind(v)),
        );
    }
    match v {
        Value::Object(map) => object(root, s, map, at, out),
        Value::Array(items) => {
            if let Some(item) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    check_at(root, item, x, &format!("{at}[{i}]"), out);
                }
            }
            let n = items.len() as u64;
            if let Some(min) = s.get("minItems").and_then(Value::as_u64).filter(|m| n < *m) {
                push(out, at, format!("{n} items, fewer than the schema's {min}"));
            }
            if let Some(max) = s.get("maxItems").and_then(Value::as_u64).filter(|m| n > *m) {
                push(out, at, format!("{n} items, more than the schema's {max}"));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if let Some(min) = s.get("minimum").and_then(Value::as_f64).filter(|m| x < *m) {
                push(out, at, format!("{n} is below the schema's minimum {min}"));
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64).filter(|m| x > *m) {
                push(out, at, format!("{n} is above the schema's maximum {max}"));
            }
        }
        Value::String(text) => {
            // The only pattern the schemas state: a required string is not blank.
            let pattern = s.get("pattern").and_then(Value::as_str);
            if pattern == Some(connect_types::schema::NON_BLANK) && text.trim().is_empty() {
                push(
                    out,
                    at,
                    "a blank string where the schema needs a value".into(),
                );
            }
        }
        _ => {}
    }
}

fn object(
    root: &Value,
    s: &Map<String, Value>,
    map: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Finding>,
) {
    let properties = s.get("properties").and_then(Value::as_object);
    let extra = s.get("additionalProperties");
    for (name, value) in map {
        let here = member(at, name);
        match (properties.and_then(|p| p.get(name)), extra) {
            (Some(p), _) => check_at(root, p, value, &here, out),
            (None, Some(Value::Bool(false))) | (None, None) if properties.is_some() => push(
                out,
                &here,
                "not in the schema: the models drop it when decoding".into(),
            ),
            (None, Some(e)) => check_at(root, e, value, &here, out),
            (None, None) => {}
        }
    }
    if let Some(required) = s.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                push(
                    out,
                    &member(at, name),
                    "missing, and the schema requires it".into(),
                );
            }
        }
    }
}

/// The findings of the branch that fits best: none if one fits, else the fewest.
fn best_branch(root: &Value, branches: &[Value], v: &Value, at: &str) -> Vec<Finding> {
    let mut best: Option<Vec<Finding>> = None;
    for b in branches {
        let mut found = Vec::new();
        check_at(root, b, v, at, &mut found);
        if found.is_empty() {
            return found;
        }
        if best.as_ref().is_none_or(|f| found.len() < f.len()) {
            best = Some(found);
        }
    }
    best.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(schema: &Value, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        check(schema, v, "R", &mut out);
        out.into_iter()
            .map(|f| format!("{}: {}", f.at, f.what))
            .collect()
    }

    #[test]
    fn members_types_refs_and_branches() {
        let schema = json!({
            "$defs": {"Item": {"type": "object", "properties": {"Id": {"type": ["string", "null"]}}, "required": ["Id"]}},
            "type": "object",
            "properties": {
                "Count": {"type": ["integer", "null"], "minimum": 0},
                "Items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "maxItems": 2},
                "Kind": {"anyOf": [{"enum": ["A", "B"], "type": "string"}, {"type": "string"}]},
                "Date": {"anyOf": [{"$ref": "#/$defs/Item"}, {"type": "null"}]}
            }
        });
        assert!(
            findings(
                &schema,
                &json!({"Count": 3, "Items": [{"Id": "1"}], "Kind": "Z", "Date": null})
            )
            .is_empty()
        );
        let found = findings(
            &schema,
            &json!({"Count": "3", "Items": [{"Id": 1}, {}, {"Id": null, "Extra": true}], "Date": {"Id": 5}, "New": 1}),
        );
        assert_eq!(
            found,
            [
                "R.Count: a string (\"3\") where the schema says integer or null",
                "R.Date.Id: a number (5) where the schema says string or null",
                "R.Items[0].Id: a number (1) where the schema says string or null",
                "R.Items[1].Id: missing, and the schema requires it",
                "R.Items[2].Extra: not in the schema: the models drop it when decoding",
                "R.Items: 3 items, more than the schema's 2",
                "R.New: not in the schema: the models drop it when decoding",
            ]
        );
        assert_eq!(
            findings(&json!({"type": "integer", "maximum": 9}), &json!(10)),
            ["R: 10 is above the schema's maximum 9"]
        );
        assert_eq!(
            findings(&json!({"$ref": "#/$defs/None"}), &json!(1))[0],
            "R: the schema's $ref #/$defs/None leads nowhere"
        );
    }
}
