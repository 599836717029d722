//! What Flowmap knows about AWS resources, shared by the Terraform and CloudFormation/SAM
//! importers: which resource types become nodes (kind, technology id, hosting model), which
//! become boundaries (VPCs, subnets, security groups), which wire nodes together (event source
//! mappings, integrations, subscriptions, rules, notifications), and how the attributes the
//! code declares (encryption at rest, logging, authorizers, TLS policy) are read.
//!
//! Both importers hand over the same thing: a list of [`Resource`]s whose properties are a JSON
//! value in which a reference to another resource is `{"Ref": "<address>"}` (CloudFormation's
//! own form; the Terraform reader rewrites the plan's configuration references to it), plus
//! CloudFormation's `Fn::GetAtt` and `Fn::Sub`, and literal ARNs and names that match another
//! resource's. Property paths are written once in snake case (`sse_specification/sse_enabled`):
//! CloudFormation's `SSESpecification.SSEEnabled` and Terraform's `sse_specification[0]` are both
//! read by it, so each resource's knowledge is written once, with both dialects' names side by
//! side where they differ.
//!
//! Flows the code wires are drafted as encrypted and authenticated when both ends are AWS
//! service APIs (HTTPS with SigV4 request signing); flows to databases and caches are not,
//! unless the code turns transit encryption on. Flows read from IAM policy statements and from
//! environment variables that name another resource are *inferred*: their notes and the
//! import report say so and give the evidence.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::build::{Builder, ElementRef};
use crate::model::{Boundary, BoundaryKind, EncryptionAtRest, Flow, Node, NodeKind, TlsVersion};
use crate::technology;

/// A resource of the template or plan, as both importers hand it over.
pub struct Resource {
    /// The CloudFormation logical id, or the Terraform address without instance keys.
    pub address: String,
    /// The resource type as the dialect writes it (`AWS::SQS::Queue`, `aws_sqs_queue`).
    pub kind: String,
    /// The properties, with references as `{"Ref": address}`.
    pub props: Value,
    /// Where the resource is in the source, for the report.
    pub pointer: String,
    /// The name to show (the logical id, or the resource's own name).
    pub name: String,
    pub region: Option<String>,
}

/// What a resource type becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A node of this technology id.
    Node(&'static str),
    /// A boundary.
    Vpc,
    Subnet,
    SecurityGroup,
    /// Wiring between nodes (read for flows, not a node itself).
    Wiring,
    /// Read as evidence for another element (policies, permissions, stages, methods).
    Evidence,
    /// Known and deliberately not drawn (routes tables, versions, …).
    Ignored,
}

/// The resource types, both dialects side by side.
const TYPES: &[(&str, &str, Role)] = &[
    (
        "AWS::Lambda::Function",
        "aws_lambda_function",
        Role::Node("aws-lambda"),
    ),
    ("AWS::Serverless::Function", "", Role::Node("aws-lambda")),
    (
        "AWS::ApiGateway::RestApi",
        "aws_api_gateway_rest_api",
        Role::Node("aws-api-gateway"),
    ),
    ("AWS::Serverless::Api", "", Role::Node("aws-api-gateway")),
    (
        "AWS::ApiGatewayV2::Api",
        "aws_apigatewayv2_api",
        Role::Node("aws-api-gateway"),
    ),
    (
        "AWS::Serverless::HttpApi",
        "",
        Role::Node("aws-api-gateway"),
    ),
    (
        "AWS::DynamoDB::Table",
        "aws_dynamodb_table",
        Role::Node("aws-dynamodb"),
    ),
    (
        "AWS::DynamoDB::GlobalTable",
        "aws_dynamodb_global_table",
        Role::Node("aws-dynamodb"),
    ),
    (
        "AWS::Serverless::SimpleTable",
        "",
        Role::Node("aws-dynamodb"),
    ),
    ("AWS::S3::Bucket", "aws_s3_bucket", Role::Node("aws-s3")),
    ("AWS::SQS::Queue", "aws_sqs_queue", Role::Node("aws-sqs")),
    ("AWS::SNS::Topic", "aws_sns_topic", Role::Node("aws-sns")),
    (
        "AWS::Events::EventBus",
        "aws_cloudwatch_event_bus",
        Role::Node("aws-eventbridge"),
    ),
    (
        "AWS::Kinesis::Stream",
        "aws_kinesis_stream",
        Role::Node("aws-kinesis"),
    ),
    (
        "AWS::RDS::DBInstance",
        "aws_db_instance",
        Role::Node("aws-rds"),
    ),
    (
        "AWS::RDS::DBCluster",
        "aws_rds_cluster",
        Role::Node("aws-rds"),
    ),
    (
        "AWS::ElastiCache::ReplicationGroup",
        "aws_elasticache_replication_group",
        Role::Node("aws-elasticache-redis"),
    ),
    (
        "AWS::ElastiCache::CacheCluster",
        "aws_elasticache_cluster",
        Role::Node("aws-elasticache-redis"),
    ),
    (
        "AWS::Cognito::UserPool",
        "aws_cognito_user_pool",
        Role::Node("aws-cognito"),
    ),
    (
        "AWS::SecretsManager::Secret",
        "aws_secretsmanager_secret",
        Role::Node("aws-secrets-manager"),
    ),
    ("AWS::KMS::Key", "aws_kms_key", Role::Node("aws-kms")),
    (
        "AWS::CloudFront::Distribution",
        "aws_cloudfront_distribution",
        Role::Node("aws-cloudfront"),
    ),
    (
        "AWS::StepFunctions::StateMachine",
        "aws_sfn_state_machine",
        Role::Node("aws-step-functions"),
    ),
    (
        "AWS::Serverless::StateMachine",
        "",
        Role::Node("aws-step-functions"),
    ),
    (
        "AWS::ECS::Service",
        "aws_ecs_service",
        Role::Node("aws-ecs-fargate"),
    ),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "aws_lb",
        Role::Node("aws-elb"),
    ),
    ("", "aws_alb", Role::Node("aws-elb")),
    (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "aws_elb",
        Role::Node("aws-elb"),
    ),
    ("AWS::EC2::Instance", "aws_instance", Role::Node("aws-ec2")),
    (
        "AWS::Logs::LogGroup",
        "aws_cloudwatch_log_group",
        Role::Node("aws-cloudwatch-logs"),
    ),
    ("AWS::EC2::VPC", "aws_vpc", Role::Vpc),
    ("AWS::EC2::Subnet", "aws_subnet", Role::Subnet),
    (
        "AWS::EC2::SecurityGroup",
        "aws_security_group",
        Role::SecurityGroup,
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        "aws_lambda_event_source_mapping",
        Role::Wiring,
    ),
    (
        "AWS::SNS::Subscription",
        "aws_sns_topic_subscription",
        Role::Wiring,
    ),
    (
        "AWS::Events::Rule",
        "aws_cloudwatch_event_rule",
        Role::Wiring,
    ),
    ("", "aws_cloudwatch_event_target", Role::Wiring),
    ("", "aws_s3_bucket_notification", Role::Wiring),
    (
        "AWS::ApiGatewayV2::Integration",
        "aws_apigatewayv2_integration",
        Role::Wiring,
    ),
    ("", "aws_api_gateway_integration", Role::Wiring),
    (
        "AWS::ApiGateway::Method",
        "aws_api_gateway_method",
        Role::Evidence,
    ),
    (
        "AWS::ApiGatewayV2::Route",
        "aws_apigatewayv2_route",
        Role::Evidence,
    ),
    (
        "AWS::ApiGateway::Stage",
        "aws_api_gateway_stage",
        Role::Evidence,
    ),
    (
        "AWS::ApiGatewayV2::Stage",
        "aws_apigatewayv2_stage",
        Role::Evidence,
    ),
    (
        "AWS::ApiGateway::Authorizer",
        "aws_api_gateway_authorizer",
        Role::Evidence,
    ),
    (
        "AWS::ApiGatewayV2::Authorizer",
        "aws_apigatewayv2_authorizer",
        Role::Evidence,
    ),
    (
        "",
        "aws_s3_bucket_server_side_encryption_configuration",
        Role::Evidence,
    ),
    ("", "aws_s3_bucket_logging", Role::Evidence),
    ("AWS::IAM::Role", "aws_iam_role", Role::Evidence),
    ("AWS::IAM::Policy", "aws_iam_role_policy", Role::Evidence),
    ("AWS::IAM::ManagedPolicy", "aws_iam_policy", Role::Evidence),
    ("", "aws_iam_role_policy_attachment", Role::Evidence),
    ("", "aws_lb_listener", Role::Evidence),
    (
        "AWS::Lambda::Url",
        "aws_lambda_function_url",
        Role::Evidence,
    ),
    (
        "AWS::RDS::DBSubnetGroup",
        "aws_db_subnet_group",
        Role::Evidence,
    ),
    (
        "AWS::ElastiCache::SubnetGroup",
        "aws_elasticache_subnet_group",
        Role::Evidence,
    ),
    ("AWS::ElasticLoadBalancingV2::Listener", "", Role::Evidence),
    (
        "AWS::Lambda::Permission",
        "aws_lambda_permission",
        Role::Ignored,
    ),
    (
        "AWS::S3::BucketPolicy",
        "aws_s3_bucket_policy",
        Role::Ignored,
    ),
    (
        "AWS::SQS::QueuePolicy",
        "aws_sqs_queue_policy",
        Role::Ignored,
    ),
    (
        "AWS::SNS::TopicPolicy",
        "aws_sns_topic_policy",
        Role::Ignored,
    ),
    ("", "aws_s3_bucket_public_access_block", Role::Ignored),
    ("", "aws_s3_bucket_versioning", Role::Ignored),
    ("", "aws_s3_bucket_acl", Role::Ignored),
    (
        "AWS::EC2::SecurityGroupIngress",
        "aws_security_group_rule",
        Role::Ignored,
    ),
    ("AWS::EC2::SecurityGroupEgress", "", Role::Ignored),
    ("AWS::EC2::RouteTable", "aws_route_table", Role::Ignored),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        "aws_route_table_association",
        Role::Ignored,
    ),
    (
        "AWS::EC2::InternetGateway",
        "aws_internet_gateway",
        Role::Ignored,
    ),
    ("AWS::EC2::VPCGatewayAttachment", "", Role::Ignored),
    ("AWS::EC2::Route", "aws_route", Role::Ignored),
    (
        "AWS::ApiGateway::Deployment",
        "aws_api_gateway_deployment",
        Role::Ignored,
    ),
    (
        "AWS::ApiGateway::Resource",
        "aws_api_gateway_resource",
        Role::Ignored,
    ),
    ("AWS::KMS::Alias", "aws_kms_alias", Role::Ignored),
];

fn role_of(kind: &str) -> Option<Role> {
    TYPES
        .iter()
        .find(|(cfn, tf, _)| (!cfn.is_empty() && *cfn == kind) || (!tf.is_empty() && *tf == kind))
        .map(|(_, _, role)| *role)
}

/// `SSESpecification` → `sse_specification`, `KmsMasterKeyId` → `kms_master_key_id`.
pub fn snake(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The values at a snake-case path (`a/b/c`); lists are looked through (Terraform writes a
/// block as a list of one object, CloudFormation lists of rules), `null` is absent.
pub fn at<'v>(value: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut current = vec![value];
    for segment in path.split('/') {
        let mut next = Vec::new();
        for v in current {
            collect_member(v, segment, &mut next, 0);
        }
        current = next;
    }
    current
}

fn collect_member<'v>(value: &'v Value, segment: &str, out: &mut Vec<&'v Value>, depth: usize) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if !v.is_null() && (key == segment || snake(key) == segment) {
                    out.push(v);
                }
            }
        }
        Value::Array(items) if depth < 4 => {
            for item in items {
                collect_member(item, segment, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The first value at any of the paths.
fn first<'v>(value: &'v Value, paths: &[&str]) -> Option<&'v Value> {
    paths.iter().find_map(|p| at(value, p).into_iter().next())
}

fn text<'v>(value: &'v Value, paths: &[&str]) -> Option<&'v str> {
    first(value, paths).and_then(Value::as_str)
}

/// Is the value at any path `true` (or the string `"true"`, as CloudFormation allows)?
fn truthy(value: &Value, paths: &[&str]) -> bool {
    paths.iter().any(|p| {
        at(value, p).iter().any(|v| match v {
            Value::Bool(b) => *b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        })
    })
}

fn present(value: &Value, paths: &[&str]) -> bool {
    paths.iter().any(|p| {
        at(value, p).iter().any(|v| match v {
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(map) => !map.is_empty(),
            _ => true,
        })
    })
}

/// The intrinsic functions CloudFormation defines (their `Fn::` names), and `Ref`/`Condition`.
pub const INTRINSICS: &[&str] = &[
    "Base64",
    "Cidr",
    "FindInMap",
    "ForEach",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "Equals",
    "And",
    "Or",
    "Not",
];

/// Resolves references to resource addresses.
pub struct Resolver {
    addresses: BTreeSet<String>,
    /// Literal identifiers (ARNs, names, URLs) of resources → address.
    literals: BTreeMap<String, String>,
}

impl Resolver {
    pub fn new(resources: &[Resource]) -> Resolver {
        let mut literals = BTreeMap::new();
        for r in resources {
            for key in [
                "arn",
                "id",
                "url",
                "name",
                "bucket",
                "function_name",
                "invoke_arn",
                "stream_arn",
                "bucket_name",
                "queue_name",
                "topic_name",
                "table_name",
                "state_machine_name",
            ] {
                let literal = match r.props.get(key).or_else(|| first(&r.props, &[key])) {
                    Some(Value::String(s)) if s.len() >= 3 => s.clone(),
                    // A name given by a template parameter: a `Ref` to the parameter names
                    // the resource (`BucketName: !Ref SourceBucketName`).
                    Some(Value::Object(m)) => match m.get("Ref") {
                        Some(Value::String(p)) if m.len() == 1 => format!("Ref:{p}"),
                        _ => continue,
                    },
                    _ => continue,
                };
                literals.entry(literal).or_insert_with(|| r.address.clone());
            }
        }
        Resolver {
            addresses: resources.iter().map(|r| r.address.clone()).collect(),
            literals,
        }
    }

    /// A resolver of written references only (`Ref`, `Fn::GetAtt`, `Fn::Sub`), not of
    /// literal names: the dependency graph CloudFormation checks for cycles.
    pub fn written_only(resources: &[Resource]) -> Resolver {
        Resolver {
            addresses: resources.iter().map(|r| r.address.clone()).collect(),
            literals: BTreeMap::new(),
        }
    }

    /// The addresses a value refers to, in the order met, without repeats.
    pub fn refs(&self, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![value];
        let mut steps = 0usize;
        while let Some(v) = stack.pop() {
            steps += 1;
            if steps > 200_000 {
                break;
            }
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("Ref") {
                        self.push(target, &mut out);
                    }
                    match map.get("Fn::GetAtt") {
                        Some(Value::Array(parts)) => {
                            if let Some(Value::String(target)) = parts.first() {
                                self.push(target, &mut out);
                            }
                        }
                        Some(Value::String(dotted)) => {
                            self.push(dotted.split('.').next().unwrap_or(dotted), &mut out)
                        }
                        _ => {}
                    }
                    let sub = match map.get("Fn::Sub") {
                        Some(Value::String(s)) => Some(s),
                        Some(Value::Array(parts)) => match parts.first() {
                            Some(Value::String(s)) => Some(s),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(template) = sub {
                        for name in sub_names(template) {
                            self.push(name.split('.').next().unwrap_or(name), &mut out);
                        }
                    }
                    for (key, member) in map.iter().rev() {
                        if key != "Ref" {
                            stack.push(member);
                        }
                    }
                }
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::String(s) => {
                    if let Some(address) = self.literals.get(s) {
                        push_unique(address, &mut out);
                    } else if s.contains("arn:") {
                        for (literal, address) in &self.literals {
                            if literal.starts_with("arn:") && s.contains(literal.as_str()) {
                                push_unique(address, &mut out);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn push(&self, target: &str, out: &mut Vec<String>) {
        if self.addresses.contains(target) {
            push_unique(target, out);
        } else if let Some(address) = self.literals.get(&format!("Ref:{target}")) {
            push_unique(address, out);
        }
    }
}

fn push_unique(address: &str, out: &mut Vec<String>) {
    if !out.iter().any(|a| a == address) {
        out.push(address.to_owned());
    }
}

/// The `${Name}` and `${Name.Attr}` of a `Fn::Sub` template (`${!Literal}` is no reference).
pub fn sub_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        if !name.starts_with('!') && !name.starts_with("AWS::") && !name.is_empty() {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

/// Adds the flows from every node of the first list to every node of the second, with a
/// protocol and the wiring's description; `false` when either list is empty.
type Wire<'a> = dyn FnMut(Vec<String>, Vec<String>, &'static str, &str) -> bool + 'a;

/// The id of the account's default event bus, when a rule uses it.
const DEFAULT_BUS: &str = "default-event-bus";

/// A flow the importer will add, with its evidence.
struct Pending {
    from: String,
    to: String,
    protocol: &'static str,
    /// Read from IAM policy or environment variables rather than wired by the code.
    inferred: bool,
    evidence: String,
    element: ElementRef,
    /// Encryption and TLS version the code declares for the flow (entry points), instead of
    /// what the ends' kinds imply.
    transport: Option<(bool, Option<TlsVersion>)>,
    /// Whether the receiver verifies the caller, where the code says so (a function URL's
    /// auth type), instead of what the receiving node implies.
    authenticated: Option<bool>,
}

/// What each resource became.
struct Draft<'r> {
    resources: &'r [Resource],
    resolver: Resolver,
    /// address → node id.
    nodes: BTreeMap<String, String>,
    /// address → boundary id.
    boundaries: BTreeMap<String, String>,
    elements: Vec<ElementRef>,
    flows: Vec<Pending>,
}

/// Drafts the model from the resources: nodes, boundaries, wired and inferred flows, and a
/// report entry for every resource (unknown types listed as such).
pub fn draft(resources: &[Resource], builder: &mut Builder) {
    let mut draft = Draft {
        resources,
        resolver: Resolver::new(resources),
        nodes: BTreeMap::new(),
        boundaries: BTreeMap::new(),
        elements: Vec::new(),
        flows: Vec::new(),
    };
    for r in resources {
        let element = builder.element(&r.pointer, &r.kind, Some(&r.address), Some(&r.name));
        draft.elements.push(element);
    }
    draft.add_boundaries(builder);
    draft.add_nodes(builder);
    draft.apply_evidence(builder);
    draft.wire(builder);
    draft.infer(builder);
    draft.add_entry_points(builder);
    draft.add_flows(builder);
}

impl Draft<'_> {
    fn add_boundaries(&mut self, builder: &mut Builder) {
        let has_nodes = self
            .resources
            .iter()
            .any(|r| matches!(role_of(&r.kind), Some(Role::Node(_))));
        if has_nodes {
            let account = builder.element("", "account", None, Some("AWS account"));
            let id = builder.new_element_id(Some("aws-account"), "AWS account", "aws-account");
            builder.add_boundary(
                account,
                Boundary {
                    id: id.clone(),
                    name: "AWS account".into(),
                    kind: BoundaryKind::Account,
                    parent: None,
                    region: None,
                    description: Some("The account the template or plan deploys to.".into()),
                },
            );
            builder.guessed(
                account,
                "one account boundary around every resource (the code names no account)",
            );
            self.boundaries.insert(String::new(), id);
        }
        for order in [Role::Vpc, Role::Subnet, Role::SecurityGroup] {
            for (i, r) in self.resources.iter().enumerate() {
                if role_of(&r.kind) != Some(order) {
                    continue;
                }
                let element = self.elements[i];
                let id = builder.new_element_id(Some(&r.address), &r.name, "network");
                let parent = match order {
                    Role::Vpc => self.boundaries.get("").cloned(),
                    _ => {
                        let vpc = first(&r.props, &["vpc_id"]).map(|v| self.resolver.refs(v));
                        vpc.and_then(|refs| {
                            refs.into_iter()
                                .find_map(|a| self.boundaries.get(&a).cloned())
                        })
                        .or_else(|| self.boundaries.get("").cloned())
                    }
                };
                builder.add_boundary(
                    element,
                    Boundary {
                        id: id.clone(),
                        name: r.name.clone(),
                        kind: BoundaryKind::Network,
                        parent,
                        region: r.region.clone(),
                        description: text(&r.props, &["cidr_block"]).map(|c| format!("CIDR {c}")),
                    },
                );
                self.boundaries.insert(r.address.clone(), id);
            }
        }
    }

    fn add_nodes(&mut self, builder: &mut Builder) {
        let account = self.boundaries.get("").cloned();
        for (i, r) in self.resources.iter().enumerate() {
            let element = self.elements[i];
            let Some(Role::Node(tech)) = role_of(&r.kind) else {
                match role_of(&r.kind) {
                    None => builder.dropped(
                        element,
                        format!(
                            "resource type {} is not mapped by Flowmap: not in the model",
                            r.kind
                        ),
                    ),
                    Some(Role::Ignored) => builder.dropped(
                        element,
                        "configuration Flowmap does not draw (no node, boundary or flow)",
                    ),
                    _ => {}
                }
                continue;
            };
            let tech = refine_technology(tech, r);
            let entry =
                technology::find(tech).expect("every technology of aws.rs is in the catalogue");
            let id = builder.new_element_id(Some(&r.address), &r.name, "node");
            let mut node = Node {
                name: r.name.clone(),
                region: r.region.clone(),
                ..entry.node(id.clone())
            };
            node.boundary = self.membership(r).or_else(|| account.clone());
            self.facts(r, &mut node, element, builder);
            builder.add_node(element, node);
            self.nodes.insert(r.address.clone(), id);
        }
    }

    /// The security group, else subnet, else VPC a resource is placed in.
    fn membership(&self, r: &Resource) -> Option<String> {
        for paths in [
            &[
                "vpc_config/security_group_ids",
                "vpc_security_group_ids",
                "security_groups",
                "security_group_ids",
                "network_configuration/awsvpc_configuration/security_groups",
                "vpc_options/security_group_ids",
            ][..],
            &[
                "vpc_config/subnet_ids",
                "subnet_id",
                "subnets",
                "subnet_ids",
                "network_configuration/awsvpc_configuration/subnets",
                "vpc_options/subnet_ids",
            ][..],
            &["vpc_id"][..],
        ] {
            for path in paths {
                for value in at(&r.props, path) {
                    for address in self.resolver.refs(value) {
                        if let Some(id) = self.boundaries.get(&address) {
                            return Some(id.clone());
                        }
                    }
                }
            }
        }
        // A database or cache in a subnet group: the group's first subnet of the file.
        for group in at(&r.props, "db_subnet_group_name")
            .into_iter()
            .chain(at(&r.props, "subnet_group_name"))
            .chain(at(&r.props, "cache_subnet_group_name"))
            .flat_map(|v| self.resolver.refs(v))
        {
            let Some(group) = self.resources.iter().find(|g| g.address == group) else {
                continue;
            };
            for value in at(&group.props, "subnet_ids") {
                for address in self.resolver.refs(value) {
                    if let Some(id) = self.boundaries.get(&address) {
                        return Some(id.clone());
                    }
                }
            }
        }
        None
    }

    /// Encryption at rest, logging, authentication: what the resource's own properties say.
    fn facts(&self, r: &Resource, node: &mut Node, element: ElementRef, builder: &mut Builder) {
        let p = &r.props;
        let key = |paths: &[&str]| -> bool {
            first(p, paths).is_some_and(|v| match v {
                Value::String(s) => !s.is_empty() && !s.starts_with("alias/aws/"),
                _ => true,
            })
        };
        match node.technology.as_deref() {
            Some("aws-lambda") => {
                let tracing = text(p, &["tracing_config/mode", "tracing"])
                    .is_some_and(|m| m.eq_ignore_ascii_case("active"));
                node.logging = tracing
                    || present(
                        p,
                        &["logging_config/log_group", "logging_config/log_group_name"],
                    );
                if node.logging {
                    builder.carried(element, "logging: tracing or a log group is configured");
                }
            }
            Some("aws-dynamodb") => {
                let cmk = key(&[
                    "sse_specification/kms_master_key_id",
                    "server_side_encryption/kms_key_arn",
                ]);
                node.encryption_at_rest = Some(if cmk {
                    EncryptionAtRest::CustomerKey
                } else {
                    EncryptionAtRest::Provider
                });
                if !cmk {
                    builder.guessed(element, "encryption at rest: DynamoDB always encrypts, with an AWS owned key unless a KMS key is named");
                }
            }
            Some("aws-s3") => {
                let algorithm = text(p, &[
                    "bucket_encryption/server_side_encryption_configuration/server_side_encryption_by_default/sse_algorithm",
                    "server_side_encryption_configuration/rule/apply_server_side_encryption_by_default/sse_algorithm",
                ]);
                let cmk = key(&[
                    "bucket_encryption/server_side_encryption_configuration/server_side_encryption_by_default/kms_master_key_id",
                    "server_side_encryption_configuration/rule/apply_server_side_encryption_by_default/kms_master_key_id",
                ]);
                node.encryption_at_rest = match (algorithm, cmk) {
                    (_, true) => Some(EncryptionAtRest::CustomerKey),
                    (Some(_), false) => Some(EncryptionAtRest::Provider),
                    (None, false) => {
                        builder.guessed(element, "encryption at rest: the code declares none (S3 encrypts new buckets with SSE-S3 by default since January 2023; say so in the model once checked)");
                        None
                    }
                };
                node.logging = present(
                    p,
                    &[
                        "logging_configuration/destination_bucket_name",
                        "logging/target_bucket",
                    ],
                );
            }
            Some("aws-sqs") | Some("aws-sns") => {
                node.encryption_at_rest = if key(&["kms_master_key_id"]) {
                    Some(EncryptionAtRest::CustomerKey)
                } else if truthy(p, &["sqs_managed_sse_enabled"]) {
                    Some(EncryptionAtRest::Provider)
                } else {
                    builder.guessed(element, "encryption at rest: the code declares none");
                    None
                };
            }
            Some("aws-kinesis") => {
                let kms = text(p, &["stream_encryption/encryption_type", "encryption_type"])
                    .is_some_and(|t| t == "KMS");
                node.encryption_at_rest =
                    match (kms, key(&["stream_encryption/key_id", "kms_key_id"])) {
                        (true, true) => Some(EncryptionAtRest::CustomerKey),
                        (true, false) => Some(EncryptionAtRest::Provider),
                        _ => None,
                    };
            }
            Some("aws-rds") | Some("aws-aurora-postgresql") => {
                node.encryption_at_rest = if key(&["kms_key_id"]) {
                    Some(EncryptionAtRest::CustomerKey)
                } else if truthy(p, &["storage_encrypted"]) {
                    Some(EncryptionAtRest::Provider)
                } else {
                    Some(EncryptionAtRest::None)
                };
                node.logging = present(
                    p,
                    &[
                        "enable_cloudwatch_logs_exports",
                        "enabled_cloudwatch_logs_exports",
                    ],
                );
            }
            Some("aws-elasticache-redis") => {
                node.encryption_at_rest = if key(&["kms_key_id"]) {
                    Some(EncryptionAtRest::CustomerKey)
                } else if truthy(p, &["at_rest_encryption_enabled"]) {
                    Some(EncryptionAtRest::Provider)
                } else {
                    Some(EncryptionAtRest::None)
                };
                node.logging = present(
                    p,
                    &["log_delivery_configurations", "log_delivery_configuration"],
                );
            }
            Some("aws-secrets-manager") | Some("aws-cloudwatch-logs") => {
                node.encryption_at_rest = Some(if key(&["kms_key_id"]) {
                    EncryptionAtRest::CustomerKey
                } else {
                    EncryptionAtRest::Provider
                });
            }
            Some("aws-kms") => node.encryption_at_rest = Some(EncryptionAtRest::Provider),
            Some("aws-cloudfront") => {
                node.logging = present(p, &["distribution_config/logging", "logging_config"]);
            }
            Some("aws-step-functions") => {
                let level = text(p, &["logging_configuration/level", "logging/level"]);
                node.logging = level.is_some_and(|l| l != "OFF")
                    || truthy(p, &["tracing_configuration/enabled", "tracing/enabled"]);
            }
            Some("aws-api-gateway") => {
                node.logging = present(p, &["access_log_setting", "access_log_settings"])
                    || truthy(p, &["tracing_enabled"]);
                node.authenticates = present(p, &["auth/default_authorizer"]);
            }
            Some("aws-elb") => {
                node.logging = truthy(p, &["access_logs/enabled"]);
            }
            _ => {}
        }
    }

    /// Stages, methods, routes and bucket configuration resources add to the node they name.
    fn apply_evidence(&mut self, builder: &mut Builder) {
        // Per API: (a route with an authorizer, a route without).
        let mut routes: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for (i, r) in self.resources.iter().enumerate() {
            if role_of(&r.kind) != Some(Role::Evidence) {
                continue;
            }
            let element = self.elements[i];
            let p = &r.props;
            let target = |paths: &[&str]| -> Option<String> {
                paths.iter().find_map(|path| {
                    at(p, path).into_iter().find_map(|v| {
                        self.resolver
                            .refs(v)
                            .into_iter()
                            .find_map(|a| self.nodes.get(&a).cloned())
                    })
                })
            };
            let kind = r.kind.as_str();
            let mut applied: Option<(String, String)> = None;
            if kind.ends_with("Method")
                || kind == "aws_api_gateway_method"
                || kind.ends_with("Route")
                || kind == "aws_apigatewayv2_route"
            {
                if let Some(api) = target(&["rest_api_id", "api_id"]) {
                    let auth = text(p, &["authorization_type", "authorization"]).unwrap_or("NONE");
                    let authorized =
                        !auth.eq_ignore_ascii_case("NONE") || present(p, &["authorizer_id"]);
                    let entry = routes.entry(api.clone()).or_insert((false, false));
                    if authorized {
                        entry.0 = true;
                    } else {
                        entry.1 = true;
                    }
                    applied = Some((
                        api,
                        if authorized {
                            format!("route authorization {auth}")
                        } else {
                            "a route without authorization".into()
                        },
                    ));
                }
            } else if kind.ends_with("Stage") || kind.ends_with("_stage") {
                if let Some(api) = target(&["rest_api_id", "api_id"]) {
                    let logs = present(p, &["access_log_setting", "access_log_settings"])
                        || truthy(p, &["tracing_enabled", "xray_tracing_enabled"]);
                    if logs {
                        set_node(builder, Some(&api), |n| n.logging = true);
                        applied = Some((api, "access logs or tracing on the stage".into()));
                    }
                }
            } else if kind == "aws_s3_bucket_server_side_encryption_configuration" {
                if let Some(bucket) = target(&["bucket"]) {
                    let cmk = present(
                        p,
                        &["rule/apply_server_side_encryption_by_default/kms_master_key_id"],
                    );
                    set_node(builder, Some(&bucket), |n| {
                        n.encryption_at_rest = Some(if cmk {
                            EncryptionAtRest::CustomerKey
                        } else {
                            EncryptionAtRest::Provider
                        })
                    });
                    applied = Some((bucket, "encryption at rest".into()));
                }
            } else if kind == "aws_s3_bucket_logging" {
                if let Some(bucket) = target(&["bucket"]) {
                    set_node(builder, Some(&bucket), |n| n.logging = true);
                    applied = Some((bucket, "access logging".into()));
                }
            } else if kind.ends_with("Listener") || kind == "aws_lb_listener" {
                if let Some(lb) = target(&["load_balancer_arn"]) {
                    let policy = text(p, &["ssl_policy"]);
                    applied = Some((
                        lb,
                        format!("listener {}", policy.unwrap_or("without TLS policy")),
                    ));
                }
            } else {
                let what = if kind == "AWS::Lambda::Url" || kind == "aws_lambda_function_url" {
                    "read as the function's public URL: an entry point for the clients"
                } else if kind.contains("SubnetGroup") || kind.ends_with("_subnet_group") {
                    "read for the boundary of the databases and caches in the group"
                } else if kind.contains("Authorizer") || kind.ends_with("_authorizer") {
                    "read with the routes that name it (an API authenticates when its routes do)"
                } else {
                    "read for the inferred flows of the resources that use it"
                };
                builder.carried(element, what);
                continue;
            }
            match applied {
                Some((node, what)) => builder.carried(element, format!("{what}: on node {node}")),
                None => builder.dropped(element, "names no resource of the file"),
            }
        }
        // SAM: each Api/HttpApi event is a route, authorized by its own `Auth.Authorizer` or
        // by its API's default authorizer (`NONE` opens a route).
        for r in self
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::Serverless::Function")
        {
            let Some(Value::Object(events)) = first(&r.props, &["events"]) else {
                continue;
            };
            for event in events.values() {
                let (key, implicit) = match event.get("Type").and_then(Value::as_str) {
                    Some("Api") => ("RestApiId", "ServerlessRestApi"),
                    Some("HttpApi") => ("ApiId", "ServerlessHttpApi"),
                    _ => continue,
                };
                let props = event.get("Properties").unwrap_or(&Value::Null);
                let Some(api) = self.implicit(props, key, implicit).into_iter().next() else {
                    continue;
                };
                let default = builder
                    .model
                    .nodes
                    .iter()
                    .any(|n| n.id == api && n.authenticates);
                let authorized = match props.pointer("/Auth/Authorizer").and_then(Value::as_str) {
                    Some(name) => name != "NONE",
                    None => default,
                };
                let entry = routes.entry(api).or_insert((false, false));
                if authorized {
                    entry.0 = true;
                } else {
                    entry.1 = true;
                }
            }
        }
        // An API authenticates when every route the code declares has an authorizer.
        for (api, (authorized, open)) in routes {
            set_node(builder, Some(&api), |n| {
                n.authenticates = authorized && !open
            });
        }
    }

    fn node_for(&self, value: &Value) -> Vec<String> {
        self.resolver
            .refs(value)
            .into_iter()
            .filter_map(|a| self.nodes.get(&a).cloned())
            .collect()
    }

    fn nodes_at(&self, r: &Resource, paths: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for path in paths {
            for v in at(&r.props, path) {
                for id in self.node_for(v) {
                    push_unique(&id, &mut out);
                }
            }
        }
        out
    }

    fn pending(
        &mut self,
        from: &str,
        to: &str,
        protocol: &'static str,
        inferred: bool,
        evidence: String,
        element: ElementRef,
    ) {
        if from != to {
            self.flows.push(Pending {
                from: from.to_owned(),
                to: to.to_owned(),
                protocol,
                inferred,
                evidence,
                element,
                transport: None,
                authenticated: None,
            });
        }
    }

    /// Flows the code wires.
    fn wire(&mut self, builder: &mut Builder) {
        let mut out: Vec<(String, String, &'static str, String, ElementRef)> = Vec::new();
        let mut unresolved: Vec<ElementRef> = Vec::new();
        // Events of SAM functions that make no flow, with the reason.
        let mut notes: Vec<(ElementRef, String)> = Vec::new();
        // Rules on the account's default event bus (the code names no bus): the element of
        // the first such rule.
        let mut default_bus: Option<ElementRef> = None;
        for (i, r) in self.resources.iter().enumerate() {
            let element = self.elements[i];
            let kind = r.kind.as_str();
            let mut add =
                |from: Vec<String>, to: Vec<String>, protocol: &'static str, what: &str| {
                    for f in &from {
                        for t in &to {
                            out.push((
                                f.clone(),
                                t.clone(),
                                protocol,
                                format!("{what} ({})", r.address),
                                element,
                            ));
                        }
                    }
                    !from.is_empty() && !to.is_empty()
                };
            let wired = match kind {
                "AWS::Lambda::EventSourceMapping" | "aws_lambda_event_source_mapping" => add(
                    self.nodes_at(r, &["event_source_arn"]),
                    self.nodes_at(r, &["function_name"]),
                    "event-source-mapping",
                    "event source mapping",
                ),
                "AWS::SNS::Subscription" | "aws_sns_topic_subscription" => add(
                    self.nodes_at(r, &["topic_arn"]),
                    self.nodes_at(r, &["endpoint"]),
                    "sns",
                    "subscription",
                ),
                "AWS::Events::Rule" => {
                    let bus = self.bus(r, &mut default_bus);
                    add(
                        bus,
                        self.nodes_at(r, &["targets/arn"]),
                        "eventbridge",
                        "rule target",
                    )
                }
                "aws_cloudwatch_event_target" => {
                    let rule = at(&r.props, "rule")
                        .into_iter()
                        .flat_map(|v| self.resolver.refs(v))
                        .next();
                    let bus =
                        match rule.and_then(|a| self.resources.iter().find(|x| x.address == a)) {
                            Some(rule) => self.bus(rule, &mut default_bus),
                            None => Vec::new(),
                        };
                    add(
                        bus,
                        self.nodes_at(r, &["arn"]),
                        "eventbridge",
                        "rule target",
                    )
                }
                "aws_s3_bucket_notification" => add(
                    self.nodes_at(r, &["bucket"]),
                    self.nodes_at(
                        r,
                        &[
                            "lambda_function/lambda_function_arn",
                            "queue/queue_arn",
                            "topic/topic_arn",
                        ],
                    ),
                    "s3-notification",
                    "bucket notification",
                ),
                "AWS::ApiGatewayV2::Integration"
                | "aws_apigatewayv2_integration"
                | "aws_api_gateway_integration" => add(
                    self.nodes_at(r, &["api_id", "rest_api_id"]),
                    self.nodes_at(r, &["integration_uri", "uri"]),
                    "https",
                    "integration",
                ),
                "AWS::ApiGateway::Method" => add(
                    self.nodes_at(r, &["rest_api_id"]),
                    self.nodes_at(r, &["integration/uri"]),
                    "https",
                    "integration",
                ),
                _ => {
                    for note in self.wire_inline(r, &mut add) {
                        notes.push((element, note));
                    }
                    continue;
                }
            };
            if !wired && role_of(kind) == Some(Role::Wiring) {
                unresolved.push(element);
            }
        }
        if let Some(element) = default_bus {
            let id =
                builder.new_element_id(Some(DEFAULT_BUS), "default event bus", "default-event-bus");
            let entry = technology::find("aws-eventbridge").expect("in the catalogue");
            builder.add_node(
                element,
                Node {
                    name: "Default event bus".into(),
                    boundary: self.boundaries.get("").cloned(),
                    ..entry.node(id.clone())
                },
            );
            builder.guessed(
                element,
                "the rule names no event bus: the account's default bus",
            );
            for flow in &mut out {
                if flow.0 == DEFAULT_BUS {
                    flow.0 = id.clone();
                }
            }
        }
        for element in unresolved {
            builder.dropped(
                element,
                "wiring whose ends are not both resources of the file: no flow",
            );
        }
        for (element, note) in notes {
            builder.dropped(element, note);
        }
        for (from, to, protocol, evidence, element) in out {
            self.pending(&from, &to, protocol, false, evidence, element);
        }
    }

    /// Wiring written inside a node resource: SAM function events, bucket notifications,
    /// CloudFront origins, Step Functions task resources, SNS topic subscriptions.
    /// Returns a note for each SAM event that makes no flow.
    fn wire_inline(&self, r: &Resource, add: &mut Wire) -> Vec<String> {
        let mut notes = Vec::new();
        let Some(me) = self.nodes.get(&r.address).cloned() else {
            return notes;
        };
        let p = &r.props;
        match r.kind.as_str() {
            "AWS::Serverless::Function" => {
                if let Some(Value::Object(events)) = first(p, &["events"]) {
                    for (name, event) in events {
                        let kind = event.get("Type").and_then(Value::as_str).unwrap_or("");
                        let props = event.get("Properties").cloned().unwrap_or(Value::Null);
                        let what = format!("event {name} ({kind})");
                        let sources = match kind {
                            "Api" => self.implicit(&props, "RestApiId", "ServerlessRestApi"),
                            "HttpApi" => self.implicit(&props, "ApiId", "ServerlessHttpApi"),
                            "SQS" => self.node_for(props.get("Queue").unwrap_or(&Value::Null)),
                            "SNS" => self.node_for(props.get("Topic").unwrap_or(&Value::Null)),
                            "S3" => self.node_for(props.get("Bucket").unwrap_or(&Value::Null)),
                            "Kinesis" | "DynamoDB" | "MSK" => {
                                self.node_for(props.get("Stream").unwrap_or(&Value::Null))
                            }
                            "EventBridgeRule" | "CloudWatchEvent" => {
                                self.node_for(props.get("EventBusName").unwrap_or(&Value::Null))
                            }
                            _ => Vec::new(),
                        };
                        let protocol = match kind {
                            "Api" | "HttpApi" => "https",
                            "SQS" => "sqs",
                            "SNS" => "sns",
                            "S3" => "s3-notification",
                            "EventBridgeRule" | "CloudWatchEvent" => "eventbridge",
                            _ => "event-source-mapping",
                        };
                        if !add(sources, vec![me.clone()], protocol, &what) {
                            notes.push(match kind {
                                "Schedule" | "ScheduleV2" => format!(
                                    "{what}: a schedule invokes the function; no data flows in"
                                ),
                                _ => format!(
                                    "{what}: its source is not a resource of the file; no flow"
                                ),
                            });
                        }
                    }
                }
            }
            "AWS::S3::Bucket" => {
                let targets = self.nodes_at(
                    r,
                    &[
                        "notification_configuration/lambda_configurations/function",
                        "notification_configuration/queue_configurations/queue",
                        "notification_configuration/topic_configurations/topic",
                    ],
                );
                add(
                    vec![me.clone()],
                    targets,
                    "s3-notification",
                    "bucket notification",
                );
            }
            "aws_elb" | "AWS::ElasticLoadBalancing::LoadBalancer" => {
                let targets = self.nodes_at(r, &["instances"]);
                add(vec![me.clone()], targets, "http", "load balancer instances");
            }
            "AWS::SNS::Topic" => {
                let targets = self.nodes_at(r, &["subscription/endpoint"]);
                add(vec![me.clone()], targets, "sns", "subscription");
            }
            "AWS::CloudFront::Distribution" | "aws_cloudfront_distribution" => {
                let origins = self.nodes_at(
                    r,
                    &[
                        "distribution_config/origins/domain_name",
                        "origin/domain_name",
                        "origin/origin_id",
                    ],
                );
                add(vec![me.clone()], origins, "https", "origin");
            }
            "AWS::StepFunctions::StateMachine"
            | "aws_sfn_state_machine"
            | "AWS::Serverless::StateMachine" => {
                let tasks = self.nodes_at(
                    r,
                    &[
                        "definition_string",
                        "definition",
                        "definition_substitutions",
                        "definition_uri",
                    ],
                );
                add(vec![me.clone()], tasks, "https", "task resource");
            }
            _ => {}
        }
        notes
    }

    /// The event bus a rule is on; a placeholder for the default bus when it names none (the
    /// node is made once, for the first such rule).
    fn bus(&self, rule: &Resource, default_bus: &mut Option<ElementRef>) -> Vec<String> {
        if first(&rule.props, &["event_bus_name"]).is_some() {
            return self.nodes_at(rule, &["event_bus_name"]);
        }
        let i = self
            .resources
            .iter()
            .position(|r| r.address == rule.address)
            .unwrap_or(0);
        default_bus.get_or_insert(self.elements[i]);
        vec![DEFAULT_BUS.to_owned()]
    }

    /// The API an event names, or SAM's implicit API when it names none.
    fn implicit(&self, props: &Value, key: &str, implicit: &str) -> Vec<String> {
        match props.get(key) {
            Some(v) => self.node_for(v),
            None => self.nodes.get(implicit).cloned().into_iter().collect(),
        }
    }

    /// Flows inferred from IAM policy statements and environment variables.
    fn infer(&mut self, builder: &mut Builder) {
        let mut found: Vec<(String, String, String, ElementRef)> = Vec::new();
        for (i, r) in self.resources.iter().enumerate() {
            let Some(me) = self.nodes.get(&r.address).cloned() else {
                continue;
            };
            let element = self.elements[i];
            // Environment variables naming another resource: the code talks to it.
            if let Some(Value::Object(vars)) = first(&r.props, &["environment/variables"]) {
                for (name, value) in vars {
                    for to in self.node_for(value) {
                        found.push((
                            me.clone(),
                            to,
                            format!("environment variable {name}"),
                            element,
                        ));
                    }
                }
            }
            // IAM: SAM policies on the function, or the role's statements.
            let mut statements: Vec<(&Value, String)> = Vec::new();
            if let Some(policies) = first(&r.props, &["policies"]) {
                let items: Vec<&Value> = match policies {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for item in items {
                    if let Value::Object(map) = item {
                        for (template, params) in map {
                            if template == "Statement" {
                                statements.push((params, "policy statement".into()));
                            } else {
                                statements.push((params, format!("policy template {template}")));
                            }
                        }
                    }
                }
            }
            let mut roles = at(&r.props, "role")
                .into_iter()
                .chain(at(&r.props, "task_role_arn"))
                .flat_map(|v| self.resolver.refs(v))
                .collect::<Vec<_>>();
            roles.extend(self.assumed_roles(r));
            for role in &roles {
                // A policy names its role by reference, or (a state) by the role's name or ARN,
                // which other resources may share: compare with the role's own.
                let names: Vec<&str> = self
                    .resources
                    .iter()
                    .filter(|x| x.address == *role)
                    .flat_map(|x| {
                        ["name", "arn", "id"].map(|k| x.props.get(k).and_then(Value::as_str))
                    })
                    .flatten()
                    .collect();
                for other in self.resources {
                    let attached = other.address == *role
                        || (other.kind != "AWS::IAM::Role"
                            && other.kind != "aws_iam_role"
                            && at(&other.props, "role")
                                .iter()
                                .chain(at(&other.props, "roles").iter())
                                .any(|v| {
                                    v.as_str().is_some_and(|s| names.contains(&s))
                                        || self.resolver.refs(v).contains(role)
                                }));
                    if attached {
                        for doc in at(&other.props, "policies/policy_document")
                            .into_iter()
                            .chain(at(&other.props, "policy_document"))
                            .chain(at(&other.props, "inline_policy/policy"))
                            .chain(at(&other.props, "policy"))
                        {
                            statements.push((
                                doc,
                                format!("IAM policy of role {role} ({})", other.address),
                            ));
                        }
                    }
                }
            }
            for (doc, evidence) in statements {
                let parsed;
                let doc = match doc {
                    Value::String(s) if s.len() < 1_000_000 => {
                        match serde_json::from_str::<Value>(s) {
                            Ok(v) => {
                                parsed = v;
                                &parsed
                            }
                            Err(_) => continue,
                        }
                    }
                    other => other,
                };
                let template = evidence.strip_prefix("policy template ").map(str::to_owned);
                let stmts = at(doc, "statement");
                let units: Vec<(&Value, Vec<String>)> = if stmts.is_empty() {
                    vec![(doc, template.clone().into_iter().collect())]
                } else {
                    stmts
                        .into_iter()
                        .map(|s| {
                            let actions = at(s, "action")
                                .into_iter()
                                .flat_map(|a| match a {
                                    Value::String(x) => vec![x.clone()],
                                    Value::Array(xs) => xs
                                        .iter()
                                        .filter_map(|x| x.as_str().map(str::to_owned))
                                        .collect(),
                                    _ => Vec::new(),
                                })
                                .collect();
                            (first(s, &["resource"]).unwrap_or(&Value::Null), actions)
                        })
                        .collect()
                };
                for (resources, actions) in units {
                    let (reads, writes) = directions(&actions);
                    for other in self.node_for(resources) {
                        let what = if template.is_some() || actions.is_empty() {
                            evidence.clone()
                        } else {
                            format!("{evidence}: {}", actions.join(", "))
                        };
                        if writes {
                            found.push((me.clone(), other.clone(), what.clone(), element));
                        }
                        if reads {
                            found.push((other, me.clone(), what, element));
                        }
                    }
                }
            }
        }
        for (from, to, evidence, element) in found {
            builder.guessed(
                element,
                format!("inferred flow {from} → {to} from {evidence}"),
            );
            self.pending(&from, &to, "https", true, evidence, element);
        }
    }

    /// Roles a service assumes (`Principal.Service: apigateway.amazonaws.com`) that no
    /// resource names: when the template has one node of that service, the role is its (an
    /// API's integrations often name their role in an OpenAPI file elsewhere).
    fn assumed_roles(&self, r: &Resource) -> Vec<String> {
        let Some(Role::Node(tech)) = role_of(&r.kind) else {
            return Vec::new();
        };
        let service = match tech {
            "aws-api-gateway" => "apigateway.amazonaws.com",
            "aws-step-functions" => "states.amazonaws.com",
            "aws-eventbridge" => "events.amazonaws.com",
            _ => return Vec::new(),
        };
        let alone = self
            .resources
            .iter()
            .filter(|x| role_of(&x.kind) == Some(Role::Node(tech)))
            .count()
            == 1;
        if !alone {
            return Vec::new();
        }
        self.resources
            .iter()
            .filter(|x| x.kind == "AWS::IAM::Role" || x.kind == "aws_iam_role")
            .filter(|x| {
                let document = first(
                    &x.props,
                    &["assume_role_policy_document", "assume_role_policy"],
                );
                let parsed = match document {
                    Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok(),
                    other => other.cloned(),
                };
                parsed.is_some_and(|d| {
                    at(&d, "statement/principal/service")
                        .iter()
                        .any(|v| match v {
                            Value::String(s) => s == service,
                            Value::Array(items) => {
                                items.iter().any(|i| i.as_str() == Some(service))
                            }
                            _ => false,
                        })
                })
            })
            .filter(|x| {
                !self.resources.iter().any(|y| {
                    at(&y.props, "role")
                        .iter()
                        .any(|v| self.resolver.refs(v).contains(&x.address))
                })
            })
            .map(|x| x.address.clone())
            .collect()
    }

    /// Public entry points (API gateways, CloudFront, internet-facing load balancers) get a
    /// flow from an actor for their clients: the code deploys them to be called.
    fn add_entry_points(&mut self, builder: &mut Builder) {
        let entries: Vec<(String, usize)> =
            self.resources
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let id = self.nodes.get(&r.address)?;
                    let public = match role_of(&r.kind) {
                        Some(Role::Node("aws-api-gateway"))
                        | Some(Role::Node("aws-cloudfront")) => true,
                        Some(Role::Node("aws-elb")) => {
                            !truthy(&r.props, &["internal"])
                                && text(&r.props, &["scheme"]) != Some("internal")
                        }
                        Some(Role::Node("aws-lambda")) => self.function_url(r).is_some(),
                        _ => false,
                    };
                    public.then(|| (id.clone(), i))
                })
                .collect();
        if entries.is_empty() {
            return;
        }
        let element = builder.element("", "clients", None, Some("Clients"));
        let id = builder.new_element_id(Some("clients"), "Clients", "clients");
        builder.add_node(element, Node::new(id.clone(), "Clients", NodeKind::Actor));
        builder.guessed(element, "an actor for the callers of the public entry points (the code does not say who they are)");
        for (entry, i) in entries {
            let (encrypted, tls, what) = self.entry_transport(i);
            self.flows.push(Pending {
                from: id.clone(),
                to: entry,
                protocol: if encrypted { "https" } else { "http" },
                inferred: false,
                evidence: format!("public endpoint ({}, {what})", self.resources[i].address),
                element,
                transport: Some((encrypted, tls)),
                authenticated: self
                    .function_url(&self.resources[i])
                    .map(|auth| auth == "AWS_IAM"),
            });
        }
    }

    /// How clients reach an entry point: API Gateway serves HTTPS only; CloudFront by its
    /// viewer protocol policy and minimum protocol version; a load balancer by its listeners
    /// (all HTTPS/TLS, and the oldest TLS version their security policies allow).
    fn entry_transport(&self, i: usize) -> (bool, Option<TlsVersion>, String) {
        let r = &self.resources[i];
        match role_of(&r.kind) {
            Some(Role::Node("aws-cloudfront")) => {
                let viewer = text(
                    &r.props,
                    &[
                        "distribution_config/default_cache_behavior/viewer_protocol_policy",
                        "default_cache_behavior/viewer_protocol_policy",
                    ],
                );
                let policy = text(
                    &r.props,
                    &[
                        "distribution_config/viewer_certificate/minimum_protocol_version",
                        "viewer_certificate/minimum_protocol_version",
                    ],
                );
                let encrypted = viewer.is_some_and(|v| v != "allow-all");
                // Without a certificate of its own (or with CloudFront's default one), a
                // distribution's security policy is TLSv1.
                let own_certificate = present(
                    &r.props,
                    &[
                        "distribution_config/viewer_certificate/acm_certificate_arn",
                        "viewer_certificate/acm_certificate_arn",
                        "distribution_config/viewer_certificate/iam_certificate_id",
                        "viewer_certificate/iam_certificate_id",
                    ],
                );
                let tls = match policy {
                    Some(policy) => tls_of_policy(policy),
                    None if !own_certificate => Some(TlsVersion::V1_0),
                    None => None,
                };
                let minimum = policy.unwrap_or(if own_certificate {
                    "not declared"
                } else {
                    "TLSv1 (the default certificate)"
                });
                (
                    encrypted,
                    tls,
                    format!(
                        "viewer protocol policy {}, minimum protocol {minimum}",
                        viewer.unwrap_or("not declared")
                    ),
                )
            }
            Some(Role::Node("aws-elb")) => {
                let mut listeners: Vec<(String, Option<String>)> = Vec::new();
                // A classic load balancer's own listeners (their TLS policy is a resource of
                // its own, not read).
                for path in ["listener/lb_protocol", "listeners/protocol"] {
                    for p in at(&r.props, path).into_iter().filter_map(Value::as_str) {
                        listeners.push((p.to_ascii_uppercase(), None));
                    }
                }
                for other in self.resources {
                    let on_me = at(&other.props, "load_balancer_arn")
                        .into_iter()
                        .any(|v| self.resolver.refs(v).contains(&r.address));
                    if on_me
                        && (other.kind == "aws_lb_listener"
                            || other.kind == "AWS::ElasticLoadBalancingV2::Listener")
                    {
                        let protocol = text(&other.props, &["protocol"])
                            .unwrap_or("HTTP")
                            .to_ascii_uppercase();
                        listeners.push((
                            protocol,
                            text(&other.props, &["ssl_policy"]).map(str::to_owned),
                        ));
                    }
                }
                if listeners.is_empty() {
                    return (false, None, "no listener declared".into());
                }
                let encrypted = listeners
                    .iter()
                    .all(|(p, _)| matches!(p.as_str(), "HTTPS" | "TLS" | "SSL"));
                let tls = if encrypted {
                    listeners
                        .iter()
                        .filter_map(|(_, policy)| policy.as_deref().and_then(tls_of_policy))
                        .min()
                } else {
                    None
                };
                let names: Vec<String> = listeners
                    .iter()
                    .map(|(p, policy)| match policy {
                        Some(policy) => format!("{p} ({policy})"),
                        None => p.clone(),
                    })
                    .collect();
                (encrypted, tls, format!("listeners {}", names.join(", ")))
            }
            Some(Role::Node("aws-lambda")) => {
                let auth = self.function_url(r).unwrap_or_default();
                (true, None, format!("function URL, auth type {auth}"))
            }
            _ => (true, None, "HTTPS".into()),
        }
    }

    /// The auth type of a function's URL (`AWS_IAM` or `NONE`), when it has one: SAM's
    /// `FunctionUrlConfig`, or an `AWS::Lambda::Url` / `aws_lambda_function_url` naming it.
    fn function_url(&self, r: &Resource) -> Option<String> {
        if role_of(&r.kind) != Some(Role::Node("aws-lambda")) {
            return None;
        }
        if let Some(config) = first(&r.props, &["function_url_config"]) {
            return Some(text(config, &["auth_type"]).unwrap_or("NONE").to_owned());
        }
        self.resources
            .iter()
            .filter(|u| u.kind == "AWS::Lambda::Url" || u.kind == "aws_lambda_function_url")
            .find(|u| {
                at(&u.props, "target_function_arn")
                    .into_iter()
                    .chain(at(&u.props, "function_name"))
                    .any(|v| self.resolver.refs(v).contains(&r.address))
            })
            .map(|u| {
                text(&u.props, &["auth_type", "authorization_type"])
                    .unwrap_or("NONE")
                    .to_owned()
            })
    }

    fn add_flows(&mut self, builder: &mut Builder) {
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut kept: Vec<Pending> = Vec::new();
        // Wired flows first: a wired flow and an inferred one between the same nodes is one
        // wired flow.
        let mut flows = std::mem::take(&mut self.flows);
        flows.sort_by_key(|f| f.inferred);
        for flow in flows {
            let key = (flow.from.clone(), flow.to.clone());
            if let Some(&i) = seen.get(&key) {
                if !kept[i].evidence.contains(&flow.evidence) && kept[i].evidence.len() < 2_000 {
                    kept[i].evidence = format!("{}; {}", kept[i].evidence, flow.evidence);
                }
                continue;
            }
            seen.insert(key, kept.len());
            kept.push(flow);
        }
        let technology_of = |id: &str, builder: &Builder| -> Option<String> {
            builder
                .model
                .nodes
                .iter()
                .find(|n| n.id == id)
                .and_then(|n| n.technology.clone())
        };
        for flow in kept {
            let to_tech = technology_of(&flow.to, builder);
            let from_tech = technology_of(&flow.from, builder);
            let database = |t: &Option<String>| {
                matches!(
                    t.as_deref(),
                    Some("aws-rds" | "aws-aurora-postgresql" | "aws-elasticache-redis" | "aws-ec2")
                )
            };
            let service_api = !database(&to_tech) && !database(&from_tech) && from_tech.is_some();
            let id = builder.new_element_id(None, &format!("{} to {}", flow.from, flow.to), "flow");
            let notes = if flow.inferred {
                format!("Inferred from {}.", flow.evidence)
            } else {
                format!("Wired by the code: {}.", flow.evidence)
            };
            let (encrypted, tls_min) = flow.transport.unwrap_or((
                service_api || from_tech.is_none(),
                // AWS service endpoints accept TLS 1.2 and later.
                service_api.then_some(TlsVersion::V1_2),
            ));
            let authenticated = flow.authenticated.unwrap_or_else(|| {
                service_api
                    || builder
                        .model
                        .nodes
                        .iter()
                        .any(|n| n.id == flow.to && n.authenticates)
            });
            builder.add_flow(
                flow.element,
                Flow {
                    id,
                    from: flow.from.clone(),
                    to: flow.to.clone(),
                    name: String::new(),
                    protocol: Some(flow.protocol.to_owned()),
                    encrypted,
                    tls_min,
                    authenticated,
                    monitored: false,
                    data: Vec::new(),
                    notes: Some(notes),
                },
            );
        }
    }
}

fn set_node(builder: &mut Builder, id: Option<&str>, change: impl FnOnce(&mut Node)) {
    if let Some(node) = id.and_then(|id| builder.model.nodes.iter_mut().find(|n| n.id == id)) {
        change(node);
    }
}

/// Aurora clusters and Fargate are told apart by the engine and launch type.
fn refine_technology(tech: &'static str, r: &Resource) -> &'static str {
    match tech {
        "aws-rds" if text(&r.props, &["engine"]).is_some_and(|e| e == "aurora-postgresql") => {
            "aws-aurora-postgresql"
        }
        "aws-ecs-fargate" if text(&r.props, &["launch_type"]).is_some_and(|l| l != "FARGATE") => {
            "aws-ecs"
        }
        other => other,
    }
}

/// The oldest TLS version a security policy allows: `TLSv1.2_2021` (CloudFront),
/// `ELBSecurityPolicy-TLS13-1-2-2021-06`, `ELBSecurityPolicy-2016-08` (load balancers),
/// `TLS_1_2` (API Gateway domains).
fn tls_of_policy(policy: &str) -> Option<TlsVersion> {
    let p = policy.to_ascii_uppercase();
    let has = |needles: &[&str]| needles.iter().any(|n| p.contains(n));
    if has(&["TLSV1.3", "TLS13-1-3", "TLS_1_3"]) {
        Some(TlsVersion::V1_3)
    } else if has(&["TLSV1.2", "-1-2-", "TLS_1_2", "TLS-1-2"]) {
        Some(TlsVersion::V1_2)
    } else if has(&["TLSV1.1", "-1-1-", "TLS_1_1", "TLS-1-1"]) {
        Some(TlsVersion::V1_1)
    } else if has(&[
        "TLSV1",
        "TLS_1_0",
        "-1-0-",
        "ELBSECURITYPOLICY-2016-08",
        "SSLV3",
    ]) {
        Some(TlsVersion::V1_0)
    } else {
        None
    }
}

/// Does a list of IAM actions (or a SAM policy template name) read, write, or both?
fn directions(actions: &[String]) -> (bool, bool) {
    const READ: &[&str] = &[
        "Get", "Receive", "Query", "Scan", "BatchGet", "Describe", "List", "Read", "Select",
        "Poll", "Decrypt",
    ];
    const WRITE: &[&str] = &[
        "Put",
        "Send",
        "Publish",
        "Write",
        "Update",
        "Delete",
        "Create",
        "BatchWrite",
        "Invoke",
        "Start",
        "Crud",
        "Encrypt",
        "GenerateDataKey",
    ];
    let mut read = false;
    let mut write = false;
    for action in actions {
        let verb = action.rsplit(':').next().unwrap_or(action);
        if verb == "*" || verb.contains("Crud") || verb.contains("FullAccess") {
            read = true;
            write = true;
            continue;
        }
        if action.contains(':') {
            read |= READ.iter().any(|r| verb.starts_with(r));
            write |= WRITE.iter().any(|w| verb.starts_with(w));
        } else {
            // A SAM policy template: `DynamoDBStreamReadPolicy`, `SQSSendMessagePolicy`.
            read |= READ.iter().any(|r| verb.contains(r));
            write |= WRITE.iter().any(|w| verb.contains(w));
        }
    }
    if !read && !write {
        (false, true)
    } else {
        (read, write)
    }
}

/// The region in an ARN (`arn:aws:sqs:eu-west-1:…`).
pub fn region_of_arn(arn: &str) -> Option<String> {
    let region = arn.split(':').nth(3)?;
    (!region.is_empty()).then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_both_dialects_read_the_same() {
        assert_eq!(snake("SSESpecification"), "sse_specification");
        assert_eq!(snake("KmsMasterKeyId"), "kms_master_key_id");
        assert_eq!(snake("SSEEnabled"), "sse_enabled");
        assert_eq!(snake("kms_master_key_id"), "kms_master_key_id");
        let cfn = serde_json::json!({"TracingConfig": {"Mode": "Active"}});
        let tf = serde_json::json!({"tracing_config": [{"mode": "Active"}]});
        assert_eq!(text(&cfn, &["tracing_config/mode"]), Some("Active"));
        assert_eq!(text(&tf, &["tracing_config/mode"]), Some("Active"));
    }

    #[test]
    fn sub_templates_name_their_references() {
        assert_eq!(
            sub_names("arn:${AWS::Partition}:${Fn.Arn}/${!Literal}${ Q }"),
            ["Fn.Arn", "Q"]
        );
    }

    #[test]
    fn actions_give_directions() {
        assert_eq!(directions(&["sqs:SendMessage".into()]), (false, true));
        assert_eq!(
            directions(&["dynamodb:GetItem".into(), "dynamodb:Query".into()]),
            (true, false)
        );
        assert_eq!(directions(&["DynamoDBCrudPolicy".into()]), (true, true));
        assert_eq!(directions(&["s3:*".into()]), (true, true));
        assert_eq!(
            region_of_arn("arn:aws:sqs:eu-west-1:1:q").as_deref(),
            Some("eu-west-1")
        );
    }
}
