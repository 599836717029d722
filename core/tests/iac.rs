//! Infrastructure as code (`tests/fixtures/import/cfn/`, `terraform/`; origins in SOURCES.md):
//! real CloudFormation/SAM templates and Terraform plans import into models with the nodes,
//! boundaries and flows their resources and wiring say, and the drafted model's findings
//! follow from what the code declares; bad input gets located errors.

mod common;

use common::*;
use flowmap_core::import::{import, ImportOptions, Imported, Source};
use flowmap_core::model::EncryptionAtRest;
use flowmap_core::{check, load_str, to_file_json, CheckOptions};

struct Fixture {
    path: &'static str,
    source: Source,
    /// Node ids and technology ids.
    nodes: &'static [(&'static str, &'static str)],
    /// Flows, from → to.
    flows: &'static [(&'static str, &'static str)],
    boundaries: &'static [&'static str],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        path: "cfn/apigw-sfn-crud.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("Api", "aws-api-gateway"),
            ("ApiLogGroup", "aws-cloudwatch-logs"),
            ("DataBase", "aws-dynamodb"),
            ("StateMachine", "aws-step-functions"),
            ("StateMachineLogGroup", "aws-cloudwatch-logs"),
            ("clients", ""),
        ],
        flows: &[
            // The integration is in an OpenAPI file elsewhere; the role API Gateway assumes
            // may start the state machine (inferred).
            ("Api", "StateMachine"),
            // DynamoDBCrudPolicy (inferred).
            ("DataBase", "StateMachine"),
            ("StateMachine", "DataBase"),
            ("clients", "Api"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/cloudfront-s3-oac-sam.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("Bucket", "aws-s3"),
            ("CloudFrontDistribution", "aws-cloudfront"),
            ("clients", ""),
        ],
        flows: &[
            ("CloudFrontDistribution", "Bucket"),
            ("clients", "CloudFrontDistribution"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/apigw-lambda-dynamodb-stream-lambda.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("ConsumerFunction", "aws-lambda"),
            ("DynamoDBTable", "aws-dynamodb"),
            ("ProducerFunction", "aws-lambda"),
            ("ServerlessRestApi", "aws-api-gateway"),
            ("clients", ""),
        ],
        flows: &[
            // The stream event (wired) and the stream read policy (inferred) agree.
            ("DynamoDBTable", "ConsumerFunction"),
            // DynamoDBCrudPolicy: reads and writes (inferred).
            ("DynamoDBTable", "ProducerFunction"),
            ("ProducerFunction", "DynamoDBTable"),
            // The Api event on SAM's implicit REST API.
            ("ServerlessRestApi", "ProducerFunction"),
            ("clients", "ServerlessRestApi"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/eventbridge-sqs.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("MySqsQueue", "aws-sqs"),
            ("default-event-bus", "aws-eventbridge"),
        ],
        flows: &[("default-event-bus", "MySqsQueue")],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/s3-lambda-resizing-python.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("DestinationBucket", "aws-s3"),
            ("ResizerFunction", "aws-lambda"),
            ("SourceBucket", "aws-s3"),
        ],
        flows: &[
            ("DestinationBucket", "ResizerFunction"),
            ("ResizerFunction", "DestinationBucket"),
            ("SourceBucket", "ResizerFunction"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/sns-sqs-fanout.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("AllMetricsSqsQueue", "aws-sqs"),
            ("HumiditySqsDLQueue", "aws-sqs"),
            ("HumiditySqsQueue", "aws-sqs"),
            ("MetricsSnsTopic", "aws-sns"),
            ("MetricsSqsDLQueue", "aws-sqs"),
            ("TemperatureSqsDLQueue", "aws-sqs"),
            ("TemperatureSqsQueue", "aws-sqs"),
        ],
        flows: &[
            ("MetricsSnsTopic", "AllMetricsSqsQueue"),
            ("MetricsSnsTopic", "HumiditySqsQueue"),
            ("MetricsSnsTopic", "TemperatureSqsQueue"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "cfn/sns-sqs-lambda-xray.yaml",
        source: Source::CloudFormation,
        nodes: &[
            ("ConsumerFunction", "aws-lambda"),
            ("ProducerFunction", "aws-lambda"),
            ("SourceSnsTopic", "aws-sns"),
            ("SourceSqsQueue", "aws-sqs"),
        ],
        flows: &[
            ("ProducerFunction", "SourceSnsTopic"),
            ("SourceSnsTopic", "SourceSqsQueue"),
            ("SourceSqsQueue", "ConsumerFunction"),
        ],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "terraform/checkov-nested-child-modules.tfplan.json",
        source: Source::Terraform,
        nodes: &[
            ("aws_s3_bucket.root_bucket", "aws-s3"),
            ("module.s3_bucket.aws_s3_bucket.this", "aws-s3"),
            ("module.s3_module.aws_s3_bucket.module_bucket", "aws-s3"),
            // module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket: an
            // address too long to keep as an id, so the bucket's name.
            ("testing", "aws-s3"),
        ],
        flows: &[],
        boundaries: &["aws-account"],
    },
    Fixture {
        path: "terraform/checkov-plan.tfplan.json",
        source: Source::Terraform,
        nodes: &[
            ("aws_db_instance.default", "aws-rds"),
            ("aws_elb.weblb", "aws-elb"),
            ("aws_instance.db_app", "aws-ec2"),
            ("aws_instance.web_host", "aws-ec2"),
            ("aws_kms_key.logs_key", "aws-kms"),
            ("aws_lambda_function.analysis_lambda", "aws-lambda"),
            ("aws_s3_bucket.data", "aws-s3"),
            ("aws_s3_bucket.data_science", "aws-s3"),
            ("aws_s3_bucket.financials", "aws-s3"),
            ("aws_s3_bucket.flowbucket", "aws-s3"),
            ("aws_s3_bucket.logs", "aws-s3"),
            ("aws_s3_bucket.operations", "aws-s3"),
            ("clients", ""),
        ],
        flows: &[
            ("aws_elb.weblb", "aws_instance.web_host"),
            ("clients", "aws_elb.weblb"),
        ],
        boundaries: &[
            "aws-account",
            "aws_security_group.default",
            "aws_security_group.web-node",
            "aws_subnet.eks_subnet1",
            "aws_subnet.eks_subnet2",
            "aws_subnet.web_subnet",
            "aws_subnet.web_subnet2",
            "aws_vpc.eks_vpc",
            "aws_vpc.web_vpc",
        ],
    },
];

/// The import of the fixture at `path` (one of [`FIXTURES`]).
fn fixture(path: &str) -> Imported {
    let fixture = FIXTURES
        .iter()
        .find(|f| f.path == path)
        .expect("a fixture of FIXTURES");
    import_fixture(fixture)
}

fn import_fixture(fixture: &Fixture) -> Imported {
    import_file(fixture.path, fixture.source)
}

#[test]
fn templates_and_plans_import_into_their_resources_and_wiring() {
    for fixture in FIXTURES {
        let imported = import_fixture(fixture);
        let model = &imported.model;
        let mut nodes: Vec<(&str, &str)> = model
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), n.technology.as_deref().unwrap_or("")))
            .collect();
        nodes.sort();
        assert_eq!(nodes, fixture.nodes, "{}: nodes", fixture.path);
        assert_eq!(pairs(model), fixture.flows, "{}: flows", fixture.path);
        let mut boundaries: Vec<&str> = model.boundaries.iter().map(|b| b.id.as_str()).collect();
        boundaries.sort();
        assert_eq!(
            boundaries, fixture.boundaries,
            "{}: boundaries",
            fixture.path
        );
        let reloaded = load_str(&to_file_json(model)).unwrap();
        assert_eq!(&reloaded, model);
    }
}

#[test]
fn inferred_flows_say_so_and_wired_flows_name_their_wiring() {
    let imported = fixture("cfn/s3-lambda-resizing-python.yaml");
    let flow = |from: &str, to: &str| {
        imported
            .model
            .flows
            .iter()
            .find(|f| f.from == from && f.to == to)
            .unwrap()
    };
    let wired = flow("SourceBucket", "ResizerFunction");
    assert_eq!(wired.protocol.as_deref(), Some("s3-notification"));
    assert!(wired
        .notes
        .as_deref()
        .unwrap()
        .starts_with("Wired by the code: event FileUpload (S3)"));
    let inferred = flow("ResizerFunction", "DestinationBucket");
    let notes = inferred.notes.as_deref().unwrap();
    assert!(
        notes.starts_with("Inferred from environment variable DESTINATION_BUCKETNAME"),
        "{notes}"
    );
    assert!(notes.contains("policy template S3CrudPolicy"), "{notes}");
    let report = imported.report.text(None);
    assert!(report.contains("inferred flow ResizerFunction → DestinationBucket from environment variable DESTINATION_BUCKETNAME"), "{report}");
}

#[test]
fn declared_attributes_reach_the_nodes_and_the_findings_follow() {
    // Terraform: the logs bucket names a KMS key, the others declare no encryption; the
    // RDS instance is not storage-encrypted.
    let imported = fixture("terraform/checkov-plan.tfplan.json");
    let node = |id: &str| imported.model.nodes.iter().find(|n| n.id == id).unwrap();
    assert_eq!(
        node("aws_s3_bucket.logs").encryption_at_rest,
        Some(EncryptionAtRest::CustomerKey)
    );
    assert_eq!(node("aws_s3_bucket.data").encryption_at_rest, None);
    assert_eq!(
        node("aws_db_instance.default").encryption_at_rest,
        Some(EncryptionAtRest::None)
    );
    assert_eq!(
        node("aws_db_instance.default").boundary.as_deref(),
        Some("aws_security_group.default")
    );
    assert_eq!(
        node("aws_s3_bucket.logs").region.as_deref(),
        Some("us-west-2")
    );
    // The code cannot say what data a store holds; once the design session says the stores
    // hold personal data, the stores the code leaves unencrypted are findings.
    let mut annotated = imported.model.clone();
    for node in &mut annotated.nodes {
        if node.kind == flowmap_core::model::NodeKind::Store {
            node.holds = vec!["personal".into()];
        }
    }
    let report = check(&annotated, &CheckOptions::default());
    let subjects = |rule: &str| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.subject.id.clone())
            .collect()
    };
    let unencrypted = subjects("ENC-004");
    assert!(
        unencrypted.contains(&"aws_db_instance.default".to_owned()),
        "{unencrypted:?}"
    );
    // A bucket that declares no encryption is SaaS storage the provider encrypts by default
    // (the rule reads an absent field that way); only the explicit "none" of RDS is flagged.
    assert_eq!(unencrypted, ["aws_db_instance.default"]);
    // The classic load balancer listens on plain HTTP: its clients' flow is not encrypted.
    let web = clients_flow(&imported.model);
    assert_eq!(
        (web.to.as_str(), web.encrypted, web.protocol.as_deref()),
        ("aws_elb.weblb", false, Some("http"))
    );
    // CloudFront without a certificate of its own: the default certificate's TLSv1 policy.
    let cdn = fixture("cfn/cloudfront-s3-oac-sam.yaml");
    let viewers = clients_flow(&cdn.model);
    assert_eq!(
        (viewers.encrypted, viewers.tls_min),
        (true, Some(flowmap_core::model::TlsVersion::V1_0))
    );
    // SAM: tracing from Globals makes both functions logged.
    let xray = fixture("cfn/sns-sqs-lambda-xray.yaml");
    assert!(xray
        .model
        .nodes
        .iter()
        .filter(|n| n.technology.as_deref() == Some("aws-lambda"))
        .all(|n| n.logging));
    // The implicit REST API has no authorizer: the clients' flow is not authenticated.
    let api = fixture("cfn/apigw-lambda-dynamodb-stream-lambda.yaml");
    let public = clients_flow(&api.model);
    assert!(!public.authenticated && public.encrypted);
}

#[test]
fn unknown_resource_types_are_listed() {
    let imported = fixture("terraform/checkov-plan.tfplan.json");
    let report = imported.report.text(None);
    for kind in [
        "aws_neptune_cluster",
        "aws_eks_cluster",
        "aws_ecr_repository",
    ] {
        assert!(
            report.contains(&format!("resource type {kind} is not mapped by Flowmap")),
            "{kind}: {report}"
        );
    }
    let layer = fixture("cfn/sns-sqs-lambda-xray.yaml").report.text(None);
    assert!(
        layer.contains("AWS::Serverless::LayerVersion is not mapped"),
        "{layer}"
    );
}

#[test]
fn imports_are_deterministic() {
    for fixture in FIXTURES {
        assert_deterministic(fixture.path, fixture.source);
    }
}

#[test]
fn import_reports() {
    for fixture in FIXTURES {
        snapshot_import(fixture.path, fixture.source);
    }
}

#[test]
fn bad_input_gets_located_errors() {
    let cases: &[(&str, Source, &str, &str)] = &[
        // Not a plan.
        ("{\"format_version\": \"1.0\", \"terraform_version\": \"1.5.0\"}", Source::Terraform, "x.json",
         "1:1  not a Terraform plan or state"),
        ("{\"format_version\": \"1.0\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": 3}]}}}",
         Source::Terraform, "x.json", "/planned_values/root_module/resources/0/address expected a string, found the number 3"),
        // A truncated template.
        ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: [", Source::CloudFormation, "t.yaml",
         "invalid YAML"),
        ("{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"", Source::CloudFormation, "t.json",
         "the document ends too early"),
        // Unknown intrinsics, in YAML and in JSON.
        ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Frobnicate x\n",
         Source::CloudFormation, "t.yaml", "unknown intrinsic function !Frobnicate"),
        ("{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"QueueName\": {\"Fn::Frobnicate\": \"x\"}}}}}",
         Source::CloudFormation, "t.json", "/Resources/Q/Properties/QueueName/Fn::Frobnicate unknown intrinsic function Fn::Frobnicate"),
        ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAtt nodot\n",
         Source::CloudFormation, "t.yaml", "!GetAtt \"nodot\": expected RESOURCE.ATTRIBUTE"),
        // A cycle of !Ref.
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref B\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${C.QueueName}-b'\n  C:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !GetAtt A.QueueName\n",
         Source::CloudFormation, "t.yaml", "circular reference between resources: A → B → C → A"),
        ("Resources:\n  A:\n    Type: 7\n", Source::CloudFormation, "t.yaml", "3:11 /Resources/A/Type expected a string, found the number 7"),
        ("Description: no resources\n", Source::CloudFormation, "t.yaml", "missing field \"Resources\""),
    ];
    assert_errors(cases);
}

#[test]
fn nested_stacks_are_listed_with_their_template() {
    let text = "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://example.com/child.yaml\n  App:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: ./app.yaml\n  Q:\n    Type: AWS::SQS::Queue\n";
    let imported = cfn_import(text, "t.yaml");
    let report = imported.report.text(None);
    assert!(
        report.contains(
            "nested stack: its template (https://example.com/child.yaml) is another file"
        ),
        "{report}"
    );
    assert!(
        report.contains("nested stack: its template (./app.yaml) is another file"),
        "{report}"
    );
    assert_eq!(imported.model.nodes.len(), 1);
}

fn cfn_import(text: &str, file_name: &str) -> Imported {
    import(
        text.as_bytes(),
        Source::CloudFormation,
        &ImportOptions { file_name },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn cfn(text: &str) -> flowmap_core::Model {
    cfn_import(text, "template.yaml").model
}

/// The resizing template as people annotated it after the first import.
fn annotated(first: &flowmap_core::Model) -> flowmap_core::Model {
    let mut value: serde_json::Value = serde_json::from_str(&to_file_json(first)).unwrap();
    let patch = serde_json::json!({
        "name": "Image resizing",
        "description": "Resizes uploaded photos.",
        "classes": [{"id": "photos", "name": "Customer photos", "tier": 4, "personal": true}],
        "waivers": [
            {"rule": "LOG-001", "subject": "ResizerFunction", "reason": "Logs ship via the platform", "approved_by": "sec-team", "expires": "2099-01-01"},
            {"rule": "LOG-001", "subject": "DestinationBucket", "reason": "Output only", "approved_by": "sec-team", "expires": "2099-01-01"}
        ],
        "narratives": [{"control": "CC6.1", "text": "Buckets are private."}]
    });
    for (key, v) in patch.as_object().unwrap() {
        value[key] = v.clone();
    }
    value["boundaries"].as_array_mut().unwrap().push(serde_json::json!(
        {"id": "media-team", "name": "Media team runtime", "kind": "runtime", "parent": "aws-account"}
    ));
    for node in value["nodes"].as_array_mut().unwrap() {
        match node["id"].as_str().unwrap() {
            "SourceBucket" => {
                node["holds"] = serde_json::json!(["photos"]);
                node["owner"] = "media".into();
                node["name"] = "Uploads".into();
            }
            "ResizerFunction" => {
                node["owner"] = "media".into();
                node["controls"] = serde_json::json!(["vuln-scan"]);
                node["boundary"] = "media-team".into();
                node["environment"] = "prod".into();
            }
            _ => {}
        }
    }
    value["nodes"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(
            {"id": "moderation", "name": "Moderation vendor", "kind": "external"}
        ));
    value["flows"].as_array_mut().unwrap().push(serde_json::json!(
        {"id": "to-moderation", "from": "ResizerFunction", "to": "moderation", "data": ["photos"], "encrypted": true}
    ));
    for flow in value["flows"].as_array_mut().unwrap() {
        if flow["from"] == "SourceBucket" {
            flow["data"] = serde_json::json!(["photos"]);
            flow["name"] = "Upload event".into();
        }
    }
    value["layout"]["nodes"]["SourceBucket"] = serde_json::json!({"x": 1234.0, "y": 56.0});
    load_str(&value.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn merging_keeps_every_human_annotation_and_lists_what_the_code_changed() {
    use flowmap_core::import::merge::merge;
    let template = String::from_utf8(read("cfn/s3-lambda-resizing-python.yaml")).unwrap();
    let existing = annotated(&cfn(&template));
    // The code since: the destination bucket is gone, the source bucket names a KMS key.
    let changed = template
        .replace(
            "  DestinationBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref DestinationBucketName   \n",
            "",
        )
        .replace(
            "      BucketName: !Ref SourceBucketName    \n",
            "      BucketName: !Ref SourceBucketName\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: alias/photos\n",
        );
    assert_ne!(changed, template);
    let (merged, report) = merge(&existing, &cfn(&changed));
    let node = |id: &str| merged.nodes.iter().find(|n| n.id == id).unwrap();
    // People's words survive.
    assert_eq!(
        (merged.name.as_str(), merged.description.as_deref()),
        ("Image resizing", Some("Resizes uploaded photos."))
    );
    assert_eq!(merged.classes, existing.classes);
    assert_eq!(merged.narratives, existing.narratives);
    assert_eq!(node("SourceBucket").name, "Uploads");
    assert_eq!(node("SourceBucket").holds, ["photos"]);
    assert_eq!(node("SourceBucket").owner.as_deref(), Some("media"));
    assert_eq!(node("ResizerFunction").controls, ["vuln-scan"]);
    assert_eq!(
        node("ResizerFunction").boundary.as_deref(),
        Some("media-team")
    );
    assert_eq!(
        node("ResizerFunction").environment,
        Some(flowmap_core::model::Environment::Prod)
    );
    assert!(merged.nodes.iter().any(|n| n.id == "moderation"));
    let upload = merged
        .flows
        .iter()
        .find(|f| f.from == "SourceBucket")
        .unwrap();
    assert_eq!(
        (upload.name.as_str(), upload.data.as_slice()),
        ("Upload event", &["photos".to_owned()][..])
    );
    assert!(merged
        .flows
        .iter()
        .any(|f| f.id == "to-moderation" && f.data == ["photos"]));
    assert_eq!(
        merged.layout.nodes["SourceBucket"],
        existing.layout.nodes["SourceBucket"]
    );
    assert!(merged.boundaries.iter().any(|b| b.id == "media-team"));
    // The code's word on what it declares.
    assert_eq!(
        node("SourceBucket").encryption_at_rest,
        Some(EncryptionAtRest::CustomerKey)
    );
    // The removed bucket goes, with its flows and its waiver; the other waiver stays.
    assert!(merged.nodes.iter().all(|n| n.id != "DestinationBucket"));
    assert!(merged
        .flows
        .iter()
        .all(|f| f.from != "DestinationBucket" && f.to != "DestinationBucket"));
    assert_eq!(merged.waivers.len(), 1);
    assert_eq!(merged.waivers[0].subject, "ResizerFunction");
    let text = report.text();
    for line in [
        "removed node DestinationBucket",
        "removed flow destinationbucket-to-resizerfunction",
        "removed flow resizerfunction-to-destinationbucket",
        "removed waiver LOG-001/DestinationBucket",
        "changed node SourceBucket: encryption_at_rest",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert!(load_str(&to_file_json(&merged)).is_ok());
    snapshot("cfn-merge-report", &text);
}

#[test]
fn merging_is_idempotent() {
    use flowmap_core::import::merge::merge;
    for fixture in FIXTURES {
        let imported = import_fixture(fixture).model;
        let existing = if fixture.path.contains("resizing") {
            annotated(&imported)
        } else {
            imported.clone()
        };
        let (once, _) = merge(&existing, &imported);
        let (twice, report) = merge(&once, &imported);
        assert_eq!(
            to_file_json(&once),
            to_file_json(&twice),
            "{}",
            fixture.path
        );
        assert!(report.is_empty(), "{}: {}", fixture.path, report.text());
    }
    // Merging an import into itself changes nothing.
    let imported = fixture("terraform/checkov-plan.tfplan.json").model;
    let (same, report) = merge(&imported, &imported);
    assert_eq!(same, imported);
    assert!(report.is_empty());
}

fn terraform(document: &serde_json::Value) -> Imported {
    import(
        document.to_string().as_bytes(),
        Source::Terraform,
        &ImportOptions {
            file_name: "terraform.json",
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The flow from the `Clients` actor to the (one) public entry point.
fn clients_flow(model: &flowmap_core::Model) -> &flowmap_core::model::Flow {
    model.flows.iter().find(|f| f.from == "clients").unwrap()
}

/// The flows of a model as sorted (from, to) pairs.
fn pairs(model: &flowmap_core::Model) -> Vec<(&str, &str)> {
    let mut flows: Vec<(&str, &str)> = model
        .flows
        .iter()
        .map(|f| (f.from.as_str(), f.to.as_str()))
        .collect();
    flows.sort();
    flows
}

/// A state (`terraform show -json` without a plan) has no configuration: references are the
/// literal ARNs and names of other resources, in child modules too.
#[test]
fn a_state_is_wired_by_its_literal_arns_and_names() {
    let state = serde_json::json!({
        "format_version": "1.0",
        "terraform_version": "1.7.5",
        "values": {"root_module": {
            "resources": [
                {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
                 "values": {"name": "jobs", "arn": "arn:aws:sqs:eu-west-1:111122223333:jobs", "kms_master_key_id": "arn:aws:kms:eu-west-1:111122223333:key/k"}},
                {"address": "aws_lambda_function.worker", "mode": "managed", "type": "aws_lambda_function", "name": "worker",
                 "values": {"function_name": "worker", "arn": "arn:aws:lambda:eu-west-1:111122223333:function:worker",
                            "role": "arn:aws:iam::111122223333:role/worker",
                            "environment": [{"variables": {"TABLE": "sessions"}}],
                            "tracing_config": [{"mode": "Active"}]}},
                {"address": "aws_iam_role.worker", "mode": "managed", "type": "aws_iam_role", "name": "worker",
                 "values": {"name": "worker", "arn": "arn:aws:iam::111122223333:role/worker"}},
                {"address": "aws_iam_role_policy.worker", "mode": "managed", "type": "aws_iam_role_policy", "name": "worker",
                 "values": {"role": "worker", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\"],\"Resource\":\"arn:aws:dynamodb:eu-west-1:111122223333:table/sessions\"}]}"}},
                {"address": "aws_lambda_event_source_mapping.jobs", "mode": "managed", "type": "aws_lambda_event_source_mapping", "name": "jobs",
                 "values": {"event_source_arn": "arn:aws:sqs:eu-west-1:111122223333:jobs", "function_name": "arn:aws:lambda:eu-west-1:111122223333:function:worker"}},
                {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me", "values": {}}
            ],
            "child_modules": [{"address": "module.db", "resources": [
                {"address": "module.db.aws_dynamodb_table.sessions", "mode": "managed", "type": "aws_dynamodb_table", "name": "sessions",
                 "values": {"name": "sessions", "arn": "arn:aws:dynamodb:eu-west-1:111122223333:table/sessions"}}
            ]}]
        }}
    });
    let imported = terraform(&state);
    let model = &imported.model;
    assert_eq!(
        pairs(model),
        [
            (
                "aws_lambda_function.worker",
                "module.db.aws_dynamodb_table.sessions"
            ),
            ("aws_sqs_queue.jobs", "aws_lambda_function.worker"),
            (
                "module.db.aws_dynamodb_table.sessions",
                "aws_lambda_function.worker"
            ),
        ]
    );
    let node = |id: &str| model.nodes.iter().find(|n| n.id == id).unwrap();
    assert_eq!(
        node("aws_sqs_queue.jobs").encryption_at_rest,
        Some(EncryptionAtRest::CustomerKey)
    );
    assert_eq!(
        node("aws_sqs_queue.jobs").region.as_deref(),
        Some("eu-west-1")
    );
    assert!(node("aws_lambda_function.worker").logging);
    let read = model
        .flows
        .iter()
        .find(|f| f.from == "module.db.aws_dynamodb_table.sessions")
        .unwrap();
    assert!(
        read.notes
            .as_deref()
            .unwrap()
            .contains("IAM policy of role aws_iam_role.worker"),
        "{:?}",
        read.notes
    );
    let report = imported.report.text(None);
    assert!(
        report.contains("data source: read by the plan, not a resource it creates"),
        "{report}"
    );
}

/// A plan's configuration references name resources within their module.
#[test]
fn a_plans_configuration_references_resolve_within_modules() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.7.5",
        "planned_values": {"root_module": {"child_modules": [{"address": "module.app", "resources": [
            {"address": "module.app.aws_sns_topic.events", "mode": "managed", "type": "aws_sns_topic", "name": "events", "values": {"name": "events"}},
            {"address": "module.app.aws_sqs_queue.inbox", "mode": "managed", "type": "aws_sqs_queue", "name": "inbox", "values": {"name": "inbox", "sqs_managed_sse_enabled": true}},
            {"address": "module.app.aws_sns_topic_subscription.inbox", "mode": "managed", "type": "aws_sns_topic_subscription", "name": "inbox", "values": {"protocol": "sqs"}}
        ]}]}},
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}}},
            "root_module": {"module_calls": {"app": {"module": {"resources": [
                {"address": "aws_sns_topic_subscription.inbox", "type": "aws_sns_topic_subscription", "name": "inbox",
                 "expressions": {"topic_arn": {"references": ["aws_sns_topic.events.arn", "aws_sns_topic.events"]},
                                 "endpoint": {"references": ["aws_sqs_queue.inbox.arn", "aws_sqs_queue.inbox"]}}}
            ]}}}}
        }
    });
    let imported = terraform(&plan);
    assert_eq!(
        pairs(&imported.model),
        [(
            "module.app.aws_sns_topic.events",
            "module.app.aws_sqs_queue.inbox"
        )]
    );
    let inbox = imported
        .model
        .nodes
        .iter()
        .find(|n| n.id == "module.app.aws_sqs_queue.inbox")
        .unwrap();
    assert_eq!(
        (inbox.region.as_deref(), inbox.encryption_at_rest),
        (Some("eu-central-1"), Some(EncryptionAtRest::Provider))
    );
}

/// SAM: an API authenticates when every route has an authorizer, its own or the default.
#[test]
fn sam_routes_decide_whether_an_api_authenticates() {
    let template = |auth: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Auth:\n        DefaultAuthorizer: Pool\n        Authorizers:\n          Pool:\n            UserPoolArn: !GetAtt Users.Arn\n  Users:\n    Type: AWS::Cognito::UserPool\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /\n            Method: get\n{auth}"
        )
    };
    let api = |text: &str| {
        let model = cfn(text);
        let node = model.nodes.iter().find(|n| n.id == "Api").unwrap().clone();
        let public = clients_flow(&model).clone();
        (node.authenticates, public.authenticated)
    };
    assert_eq!(api(&template("")), (true, true));
    let open = "            Auth:\n              Authorizer: NONE\n";
    assert_eq!(api(&template(open)), (false, false));
}

/// A SAM event that makes no flow says why in the report.
#[test]
fn events_without_a_flow_are_noted() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Nightly:\n          Type: Schedule\n          Properties:\n            Schedule: rate(1 day)\n        Uploads:\n          Type: S3\n          Properties:\n            Bucket: elsewhere\n";
    let report = cfn_import(text, "t.yaml").report.text(None);
    assert!(
        report.contains(
            "event Nightly (Schedule): a schedule invokes the function; no data flows in"
        ),
        "{report}"
    );
    assert!(
        report.contains("event Uploads (S3): its source is not a resource of the file; no flow"),
        "{report}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Truncated and mutated templates and plans get a model the loader accepts, or errors;
    /// never a panic.
    #[test]
    fn truncations_and_mutations_never_panic(which in 0usize..9, cut in 0.0f64..1.0, at in 0.0f64..1.0, byte in proptest::prelude::any::<u8>()) {
        let fixture = &FIXTURES[which % FIXTURES.len()];
        let bytes = read(fixture.path);
        let options = ImportOptions { file_name: fixture.path };
        let truncated = &bytes[..(bytes.len() as f64 * cut) as usize];
        if let Ok(imported) = import(truncated, fixture.source, &options) {
            proptest::prop_assert!(load_str(&to_file_json(&imported.model)).is_ok());
        }
        let mut mutated = bytes.clone();
        let i = ((mutated.len() as f64 * at) as usize).min(mutated.len() - 1);
        mutated[i] = byte;
        if let Ok(imported) = import(&mutated, fixture.source, &options) {
            proptest::prop_assert!(load_str(&to_file_json(&imported.model)).is_ok());
        }
    }
}

/// A reference to a module's output is followed to the resource the output names.
#[test]
fn module_outputs_are_followed_to_their_resources() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [
                {"address": "aws_lambda_function.worker", "mode": "managed", "type": "aws_lambda_function", "name": "worker", "values": {"function_name": "worker"}},
                {"address": "aws_lambda_event_source_mapping.jobs", "mode": "managed", "type": "aws_lambda_event_source_mapping", "name": "jobs", "values": {}}
            ],
            "child_modules": [{"address": "module.queue", "resources": [
                {"address": "module.queue.aws_sqs_queue.this[0]", "mode": "managed", "type": "aws_sqs_queue", "name": "this", "index": 0, "values": {"name": "jobs"}}
            ]}]
        }},
        "configuration": {"root_module": {
            "resources": [
                {"address": "aws_lambda_event_source_mapping.jobs", "type": "aws_lambda_event_source_mapping", "name": "jobs",
                 "expressions": {"event_source_arn": {"references": ["module.queue.queue_arn", "module.queue"]},
                                 "function_name": {"references": ["aws_lambda_function.worker.arn", "aws_lambda_function.worker"]}}}
            ],
            "module_calls": {"queue": {"module": {
                "outputs": {"queue_arn": {"expression": {"references": ["aws_sqs_queue.this[0].arn", "aws_sqs_queue.this[0]", "aws_sqs_queue.this"]}}},
                "resources": [{"address": "aws_sqs_queue.this", "type": "aws_sqs_queue", "name": "this", "expressions": {}}]
            }}}
        }}
    });
    let imported = terraform(&plan);
    assert_eq!(
        pairs(&imported.model),
        [(
            "module.queue.aws_sqs_queue.this",
            "aws_lambda_function.worker"
        )]
    );
}

/// A JSON template: long-form intrinsics, a REST API whose method integrates a function and
/// has no authorizer, a bucket notifying a queue.
#[test]
fn json_templates_use_the_long_forms() {
    let template = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"TracingConfig": {"Mode": "Active"}}},
            "Get": {"Type": "AWS::ApiGateway::Method", "Properties": {
                "RestApiId": {"Ref": "Api"}, "HttpMethod": "GET", "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}}},
            "Uploads": {"Type": "AWS::S3::Bucket", "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "NotificationConfiguration": {"QueueConfigurations": [{"Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": "Jobs.Arn"}}]}}},
            "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": {"Ref": "Key"}}},
            "Key": {"Type": "AWS::KMS::Key"}
        }
    });
    let imported = cfn_import(&template.to_string(), "t.json");
    let model = &imported.model;
    assert_eq!(
        pairs(model),
        [("Api", "Fn"), ("Uploads", "Jobs"), ("clients", "Api")]
    );
    let node = |id: &str| model.nodes.iter().find(|n| n.id == id).unwrap();
    assert!(!node("Api").authenticates);
    assert!(node("Fn").logging);
    assert_eq!(
        node("Uploads").encryption_at_rest,
        Some(EncryptionAtRest::Provider)
    );
    assert_eq!(
        node("Jobs").encryption_at_rest,
        Some(EncryptionAtRest::CustomerKey)
    );
}

/// A database in a subnet group sits in the group's subnet.
#[test]
fn subnet_groups_place_their_databases() {
    let state = serde_json::json!({
        "format_version": "1.0",
        "values": {"root_module": {"resources": [
            {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main", "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
            {"address": "aws_subnet.data", "mode": "managed", "type": "aws_subnet", "name": "data", "values": {"id": "subnet-1", "vpc_id": "vpc-1"}},
            {"address": "aws_db_subnet_group.data", "mode": "managed", "type": "aws_db_subnet_group", "name": "data", "values": {"name": "data-group", "subnet_ids": ["subnet-1"]}},
            {"address": "aws_db_instance.orders", "mode": "managed", "type": "aws_db_instance", "name": "orders", "values": {"db_subnet_group_name": "data-group", "storage_encrypted": true}}
        ]}}
    });
    let model = terraform(&state).model;
    let db = model
        .nodes
        .iter()
        .find(|n| n.id == "aws_db_instance.orders")
        .unwrap();
    assert_eq!(db.boundary.as_deref(), Some("aws_subnet.data"));
    assert_eq!(db.encryption_at_rest, Some(EncryptionAtRest::Provider));
    let subnet = model
        .boundaries
        .iter()
        .find(|b| b.id == "aws_subnet.data")
        .unwrap();
    assert_eq!(subnet.parent.as_deref(), Some("aws_vpc.main"));
}

/// A function URL makes the function a public entry point, authenticated with `AWS_IAM`.
#[test]
fn function_urls_are_entry_points() {
    let url = |auth: &str| {
        let text = format!("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Fn.Arn\n      AuthType: {auth}\n");
        let model = cfn(&text);
        let flow = clients_flow(&model);
        (flow.to.clone(), flow.authenticated)
    };
    assert_eq!(url("NONE"), ("Fn".to_owned(), false));
    assert_eq!(url("AWS_IAM"), ("Fn".to_owned(), true));
    let sam = cfn("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionUrlConfig:\n        AuthType: AWS_IAM\n");
    assert!(clients_flow(&sam).authenticated);
}
