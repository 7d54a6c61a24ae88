//! `cargo xtask cassette check FILE [--schemas DIR]`: every recorded answer decoded with the
//! models and held against the JSON Schemas (`docs/schemas/`, which `cargo xtask schema`
//! writes from the same models), member by member. A cassette recorded from the real service
//! thus shows where the service and the models part: a member the models do not know, a value
//! of another type, a required member missing, an answer the models cannot decode.

mod validate;

use connect_auth::cassette::{Cassette, Content, Exchange, RecordedOutcome};
use connect_types::schema::{OperationDoc, SCHEMA_DIR, operations};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use validate::Finding;

pub const USAGE: &str = "usage: cargo xtask cassette check FILE [--schemas DIR]";

/// Runs `cassette <args>`.
pub fn run(root: &Path, args: &[&str]) -> std::io::Result<ExitCode> {
    let (file, schemas) = match args {
        ["check", file] => (PathBuf::from(file), root.join(SCHEMA_DIR)),
        ["check", file, "--schemas", dir] | ["check", "--schemas", dir, file] => {
            (PathBuf::from(file), PathBuf::from(dir))
        }
        _ => {
            eprintln!("{USAGE}");
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = std::fs::read(&file).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot read {}: {e}", file.display()))
    })?;
    let cassette = match Cassette::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xtask: {} is not a valid cassette: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let schemas = Schemas { dir: schemas };
    println!(
        "{}: {} exchanges, checked against {}/",
        file.display(),
        cassette.exchanges.len(),
        schemas.dir.display()
    );
    let (mut differences, mut exchanges) = (0, 0);
    for e in &cassette.exchanges {
        let report = check(e, &schemas)?;
        let status = match &e.outcome {
            RecordedOutcome::Response(r) => r.status.to_string(),
            RecordedOutcome::Failure(_) => "no answer".to_owned(),
        };
        match (&report.findings[..], &report.note) {
            ([], note) => println!("#{} {} ({status}): {note}", e.n, e.operation),
            (findings, note) => {
                println!(
                    "#{} {} ({status}): {} difference(s); {note}",
                    e.n,
                    e.operation,
                    findings.len()
                );
                for f in findings {
                    println!("    {}: {}", f.at, f.what);
                }
                differences += findings.len();
                exchanges += 1;
            }
        }
    }
    if differences == 0 {
        println!("every answer agrees with the models");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{differences} difference(s) in {exchanges} exchange(s) between the recorded answers and \
         the models: where the answers are the service's, teach the models (connect-types) and \
         run `cargo xtask schema`"
    );
    Ok(ExitCode::FAILURE)
}

/// The schema files, read as they are needed.
struct Schemas {
    dir: PathBuf,
}

impl Schemas {
    fn get(&self, name: &str) -> std::io::Result<Value> {
        let path = self.dir.join(connect_types::schema::file_name(name));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot read the schema {}: {e}", path.display()),
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            std::io::Error::other(format!("the schema {} is not JSON: {e}", path.display()))
        })
    }
}

/// What was found for one exchange: the differences, and a note on what was checked.
struct Report {
    findings: Vec<Finding>,
    note: String,
}

fn check(e: &Exchange, schemas: &Schemas) -> std::io::Result<Report> {
    let response = match &e.outcome {
        RecordedOutcome::Failure(f) => {
            return Ok(note(format!("no answer was recorded ({})", f.message)));
        }
        RecordedOutcome::Response(r) => r,
    };
    let json = match &response.body {
        Content::Json(v) => v,
        Content::Bytes(d) => {
            let kept = if d.kept.is_some() {
                "kept"
            } else {
                "by digest only"
            };
            return Ok(note(format!(
                "{} bytes, sha256 {}, {kept}",
                d.length, d.sha256
            )));
        }
        Content::Empty => return Ok(note("no body".to_owned())),
        other => {
            return Ok(note(format!(
                "{} (not JSON), not checked against the models",
                match other {
                    Content::Text(_) => "a text answer",
                    _ => "another kind of answer",
                }
            )));
        }
    };
    let bytes = serde_json::to_vec(json).unwrap_or_default();
    match e.operation.as_str() {
        "oauth2/token" => {
            let ok = (200..300).contains(&response.status);
            let name = if ok {
                "TokenResponse"
            } else {
                "OAuthErrorResponse"
            };
            let mut findings = Vec::new();
            validate::check(&schemas.get(name)?, json, "", &mut findings);
            let decoded = if ok {
                serde_json::from_slice::<connect_types::ops::TokenResponse>(&bytes).map(drop)
            } else {
                serde_json::from_slice::<connect_types::ops::OAuthErrorResponse>(&bytes).map(drop)
            };
            Ok(decoded_report(
                findings,
                name,
                decoded.err().map(|e| e.to_string()),
            ))
        }
        op if op == connect_types::ops::OEmbedRequest::NAME => {
            let mut findings = Vec::new();
            validate::check(&schemas.get("OEmbedResponse")?, json, "", &mut findings);
            let decoded = serde_json::from_slice::<connect_types::ops::OEmbedResponse>(&bytes);
            Ok(decoded_report(
                findings,
                "OEmbedResponse",
                decoded.err().map(|e| e.to_string()),
            ))
        }
        op => match operations()
            .into_iter()
            .find(|d| d.name == op && d.alias_of.is_none())
        {
            Some(doc) => envelope(&doc, json, &bytes, schemas),
            None => Ok(note("no model of this operation, not checked".to_owned())),
        },
    }
}

fn note(note: String) -> Report {
    Report {
        findings: Vec::new(),
        note,
    }
}

fn decoded_report(mut findings: Vec<Finding>, schema: &str, error: Option<String>) -> Report {
    let note = match error {
        None => format!("decodes with the models, checked against {schema}.json"),
        Some(e) => {
            findings.push(Finding {
                at: "(whole answer)".into(),
                what: format!("the models cannot decode it: {e}"),
            });
            format!("checked against {schema}.json")
        }
    };
    Report { findings, note }
}

/// An envelope: `ResponseHeader` and the result, each against its schema, and the whole
/// decoded as a client decodes it.
fn envelope(
    doc: &OperationDoc,
    json: &Value,
    bytes: &[u8],
    schemas: &Schemas,
) -> std::io::Result<Report> {
    let mut findings = Vec::new();
    let Some(top) = json.as_object() else {
        findings.push(Finding {
            at: "(whole answer)".into(),
            what: "not a JSON object, so not an envelope".into(),
        });
        return Ok(Report {
            findings,
            note: "checked as an envelope".into(),
        });
    };
    let header = schemas.get("ResponseHeader")?;
    let result_file = doc.result_key.is_some() && !doc.result_is_empty;
    for (key, member) in top {
        if key == "ResponseHeader" {
            validate::check(&header, member, key, &mut findings);
        } else if Some(key.as_str()) == doc.result_key {
            if result_file {
                validate::check(&schemas.get(&doc.result_name)?, member, key, &mut findings);
            }
        } else {
            findings.push(Finding {
                at: key.clone(),
                what: "not in the schema: the envelope has no such member, and the models drop it"
                    .into(),
            });
        }
    }
    if !top.contains_key("ResponseHeader") {
        findings.push(Finding {
            at: "ResponseHeader".into(),
            what: "missing, and every answer has one".into(),
        });
    }
    let checked = if result_file {
        format!(
            "checked against ResponseHeader.json and {}.json",
            doc.result_name
        )
    } else {
        "checked against ResponseHeader.json".to_owned()
    };
    let note = match (doc.decode)(bytes) {
        Ok(()) => format!("decodes with the models, {checked}"),
        Err(connect_types::DecodeError::Api(api)) => format!("an API error ({api}), {checked}"),
        Err(e) => {
            findings.push(Finding {
                at: "(whole answer)".into(),
                what: format!("the models cannot decode it: {e}"),
            });
            checked
        }
    };
    Ok(Report { findings, note })
}
