//! The technology catalogue: well-known cloud services and SaaS vendors, as data. A node's
//! `technology` is free text or one of these ids (`aws-lambda`); a catalogue entry also says
//! what kind of node it is, its hosting model (which layers the team owns: the responsibility
//! matrix) and, where it has one, its role (a gateway, a vault, a log sink, an identity
//! provider). The editor's palette creates nodes from it; importers map technology names to it.
//!
//! Kept small: about fifty entries, the services a design session draws most. An entry's
//! hosting model is the provider's shared-responsibility category: functions are `serverless`;
//! managed databases and container platforms, where the team still configures the engine or
//! the image, are `platform`; abstracted services the team only configures and fills with data
//! (object stores, queues, managed NoSQL, SaaS vendors) are `saas`; virtual machines are
//! `self-managed`.

use crate::model::{Hosting, Node, NodeKind, Role};

/// Who offers a technology.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
    /// Software-as-a-service vendors (payments, observability, identity, messaging).
    Saas,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::Aws,
        Provider::Azure,
        Provider::Gcp,
        Provider::Saas,
    ];

    /// The name people use: "AWS", "Azure", "Google Cloud", "SaaS".
    pub fn name(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Azure => "Azure",
            Provider::Gcp => "Google Cloud",
            Provider::Saas => "SaaS",
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Technology {
    /// The `technology` value of a node: lowercase, `-` between words.
    pub id: &'static str,
    /// The name a new node gets.
    pub name: &'static str,
    pub provider: Provider,
    pub kind: NodeKind,
    pub hosting: Hosting,
    pub role: Option<Role>,
}

impl Technology {
    /// A node of this technology: kind, name, technology, hosting model and role set.
    pub fn node(&self, id: impl Into<String>) -> Node {
        Node {
            technology: Some(self.id.to_owned()),
            hosting: Some(self.hosting),
            role: self.role,
            ..Node::new(id, self.name, self.kind)
        }
    }
}

const fn entry(
    id: &'static str,
    name: &'static str,
    provider: Provider,
    kind: NodeKind,
    hosting: Hosting,
    role: Option<Role>,
) -> Technology {
    Technology {
        id,
        name,
        provider,
        kind,
        hosting,
        role,
    }
}

use Hosting::{Platform, Saas, SelfManaged, Serverless};
use NodeKind::{External, Queue, Service, Store};
use Provider::{Aws, Azure, Gcp};

const GATEWAY: Option<Role> = Some(Role::Gateway);
const VAULT: Option<Role> = Some(Role::Vault);
const LOGS: Option<Role> = Some(Role::LogSink);
const IDENTITY: Option<Role> = Some(Role::IdentityProvider);

/// The catalogue, by provider, in the order the palette lists it.
pub const CATALOGUE: &[Technology] = &[
    entry("aws-lambda", "AWS Lambda", Aws, Service, Serverless, None),
    entry(
        "aws-api-gateway",
        "API Gateway",
        Aws,
        Service,
        Serverless,
        GATEWAY,
    ),
    entry(
        "aws-ecs-fargate",
        "ECS on Fargate",
        Aws,
        Service,
        Platform,
        None,
    ),
    entry("aws-ecs", "ECS service", Aws, Service, Platform, None),
    entry("aws-elb", "Load balancer", Aws, Service, Saas, GATEWAY),
    entry("aws-ec2", "EC2 instance", Aws, Service, SelfManaged, None),
    entry(
        "aws-step-functions",
        "Step Functions",
        Aws,
        Service,
        Serverless,
        None,
    ),
    entry("aws-cloudfront", "CloudFront", Aws, Service, Saas, None),
    entry("aws-cognito", "Cognito", Aws, Service, Saas, IDENTITY),
    entry("aws-dynamodb", "DynamoDB", Aws, Store, Saas, None),
    entry("aws-s3", "S3 bucket", Aws, Store, Saas, None),
    entry(
        "aws-aurora-postgresql",
        "Aurora PostgreSQL",
        Aws,
        Store,
        Platform,
        None,
    ),
    entry("aws-rds", "RDS database", Aws, Store, Platform, None),
    entry(
        "aws-elasticache-redis",
        "ElastiCache Redis",
        Aws,
        Store,
        Platform,
        None,
    ),
    entry(
        "aws-secrets-manager",
        "Secrets Manager",
        Aws,
        Store,
        Saas,
        VAULT,
    ),
    entry(
        "aws-cloudwatch-logs",
        "CloudWatch Logs",
        Aws,
        Store,
        Saas,
        LOGS,
    ),
    entry("aws-kms", "KMS key", Aws, Store, Saas, VAULT),
    entry("aws-sqs", "SQS queue", Aws, Queue, Saas, None),
    entry("aws-sns", "SNS topic", Aws, Queue, Saas, None),
    entry("aws-eventbridge", "EventBridge", Aws, Queue, Saas, None),
    entry("aws-kinesis", "Kinesis stream", Aws, Queue, Saas, None),
    entry(
        "azure-functions",
        "Azure Functions",
        Azure,
        Service,
        Serverless,
        None,
    ),
    entry(
        "azure-app-service",
        "App Service",
        Azure,
        Service,
        Platform,
        None,
    ),
    entry("azure-aks", "AKS cluster", Azure, Service, Platform, None),
    entry(
        "azure-api-management",
        "API Management",
        Azure,
        Service,
        Saas,
        GATEWAY,
    ),
    entry("azure-entra-id", "Entra ID", Azure, Service, Saas, IDENTITY),
    entry("azure-cosmos-db", "Cosmos DB", Azure, Store, Saas, None),
    entry(
        "azure-sql-database",
        "Azure SQL Database",
        Azure,
        Store,
        Platform,
        None,
    ),
    entry(
        "azure-blob-storage",
        "Blob Storage",
        Azure,
        Store,
        Saas,
        None,
    ),
    entry("azure-key-vault", "Key Vault", Azure, Store, Saas, VAULT),
    entry(
        "azure-monitor-logs",
        "Azure Monitor Logs",
        Azure,
        Store,
        Saas,
        LOGS,
    ),
    entry("azure-service-bus", "Service Bus", Azure, Queue, Saas, None),
    entry("azure-event-hubs", "Event Hubs", Azure, Queue, Saas, None),
    entry("gcp-cloud-run", "Cloud Run", Gcp, Service, Serverless, None),
    entry(
        "gcp-cloud-functions",
        "Cloud Functions",
        Gcp,
        Service,
        Serverless,
        None,
    ),
    entry("gcp-gke", "GKE cluster", Gcp, Service, Platform, None),
    entry(
        "gcp-api-gateway",
        "API Gateway (GCP)",
        Gcp,
        Service,
        Saas,
        GATEWAY,
    ),
    entry("gcp-firestore", "Firestore", Gcp, Store, Saas, None),
    entry("gcp-cloud-sql", "Cloud SQL", Gcp, Store, Platform, None),
    entry("gcp-cloud-storage", "Cloud Storage", Gcp, Store, Saas, None),
    entry("gcp-bigquery", "BigQuery", Gcp, Store, Saas, None),
    entry(
        "gcp-secret-manager",
        "Secret Manager",
        Gcp,
        Store,
        Saas,
        VAULT,
    ),
    entry("gcp-cloud-logging", "Cloud Logging", Gcp, Store, Saas, LOGS),
    entry("gcp-pubsub", "Pub/Sub", Gcp, Queue, Saas, None),
    entry("stripe", "Stripe", Provider::Saas, External, Saas, None),
    entry("adyen", "Adyen", Provider::Saas, External, Saas, None),
    entry("datadog", "Datadog", Provider::Saas, External, Saas, LOGS),
    entry("sentry", "Sentry", Provider::Saas, External, Saas, LOGS),
    entry("auth0", "Auth0", Provider::Saas, External, Saas, IDENTITY),
    entry("okta", "Okta", Provider::Saas, External, Saas, IDENTITY),
    entry("twilio", "Twilio", Provider::Saas, External, Saas, None),
    entry("sendgrid", "SendGrid", Provider::Saas, External, Saas, None),
    entry(
        "salesforce",
        "Salesforce",
        Provider::Saas,
        External,
        Saas,
        None,
    ),
    entry(
        "snowflake",
        "Snowflake",
        Provider::Saas,
        External,
        Saas,
        None,
    ),
    entry("segment", "Segment", Provider::Saas, External, Saas, None),
    entry("slack", "Slack", Provider::Saas, External, Saas, None),
];

/// The catalogue entry with this id.
pub fn find(id: &str) -> Option<&'static Technology> {
    CATALOGUE.iter().find(|t| t.id == id)
}

/// The entries of one provider, in catalogue order.
pub fn of(provider: Provider) -> impl Iterator<Item = &'static Technology> {
    CATALOGUE.iter().filter(move |t| t.provider == provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_valid_slugs() {
        let mut seen = HashSet::new();
        for t in CATALOGUE {
            assert!(seen.insert(t.id), "{} twice", t.id);
            assert_eq!(crate::edit::slug(t.id), t.id, "{} is not a slug", t.id);
            assert!(!t.name.is_empty());
        }
        for provider in Provider::ALL {
            assert!(of(provider).count() >= 8, "{}", provider.name());
        }
    }

    #[test]
    fn the_ids_of_the_example_are_in_the_catalogue() {
        let model =
            crate::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap();
        for node in &model.nodes {
            if let Some(t) = &node.technology {
                let entry = find(t).unwrap_or_else(|| panic!("{t} is not in the catalogue"));
                assert_eq!(entry.kind, node.kind, "{t}");
            }
        }
    }

    #[test]
    fn a_node_of_a_technology_is_valid_and_says_what_it_is() {
        let stripe = find("stripe").unwrap();
        let node = stripe.node("stripe-api");
        assert_eq!(
            (node.kind, node.hosting, node.technology.as_deref()),
            (NodeKind::External, Some(Hosting::Saas), Some("stripe"))
        );
        let model = crate::Model {
            nodes: vec![node, find("aws-secrets-manager").unwrap().node("secrets")],
            ..crate::Model::default()
        };
        let text = crate::to_file_json(&model);
        let loaded = crate::load_str(&text).expect("a catalogue node is a valid node");
        assert_eq!(loaded.nodes[1].role, Some(Role::Vault));
    }
}
