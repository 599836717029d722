//! The `flowmap/1` model: the ground truth that the editor draws and the checks read.
//!
//! Field names are the file format's contract (`docs/format.md`): add fields, never rename them.
//! Everything here is plain data: no signals, no indexes, no derived state. The analysis view
//! (graph, taint, boundary crossing) is built from a `Model` in [`crate::engine`] and never saved.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;

/// The format tag every model file carries.
pub const FORMAT: &str = "flowmap/1";

/// One data-flow model: what the file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Flowmap model (flowmap/1)")]
pub struct Model {
    /// The format tag, always `flowmap/1`.
    #[schemars(schema_with = "crate::schema::format_tag")]
    pub format: String,
    /// The system's name.
    pub name: String,
    /// What the system does, for the system description in evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Data classes this model adds to the built-in taxonomy (or redefines: a class with a
    /// built-in id replaces the built-in definition, e.g. to add residency).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<DataClass>,
    /// Trust boundaries, nested through `parent`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Boundary>,
    /// The system's components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<Node>,
    /// Directed data flows between nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    /// Per-rule configuration: `"off"` or `{ "severity": … }`, keyed by rule id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Accepted risks: each suppresses exactly the finding it names until it expires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
    /// Free text per control id explaining how the team meets it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub narratives: Vec<Narrative>,
    /// Positions and sizes on the canvas. Never analysed and not part of the model hash.
    #[serde(default, skip_serializing_if = "Layout::is_empty")]
    pub layout: Layout,
}

impl Default for Model {
    /// An empty, unnamed model with the format tag set.
    fn default() -> Model {
        Model {
            format: FORMAT.to_owned(),
            name: String::new(),
            description: None,
            classes: Vec::new(),
            boundaries: Vec::new(),
            nodes: Vec::new(),
            flows: Vec::new(),
            rules: BTreeMap::new(),
            waivers: Vec::new(),
            narratives: Vec::new(),
            layout: Layout::default(),
        }
    }
}

/// A component of the system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable, human-readable id (a slug), unique among nodes, flows and boundaries.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the node is.
    pub kind: NodeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The team that owns the component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The innermost boundary the node sits in (membership is explicit, not geometric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    /// Free text or a known id such as `aws-lambda`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    /// Hosting model, which decides the shared-responsibility split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<Hosting>,
    /// A special role that changes how rules and propagation treat the node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Cloud region, e.g. `eu-west-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// Is the component's activity logged and alerted on? Absent means no.
    #[serde(default, skip_serializing_if = "is_false")]
    pub logging: bool,
    /// Is it an authenticating hop (API gateway with an authorizer, IdP-backed proxy)?
    #[serde(default, skip_serializing_if = "is_false")]
    pub authenticates: bool,
    /// Encryption at rest, for stores and queues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_at_rest: Option<EncryptionAtRest>,
    /// Data classes the node is declared to hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<String>,
    /// Data classes the node removes before passing data on (tokenizer, anonymizer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strips: Vec<String>,
    /// The highest data-class tier the node may receive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 9))]
    pub clearance: Option<u8>,
    /// Controls in place, an open list such as `waf`, `vuln-scan`, `secrets-manager`, `mfa`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// For externals: the vendor record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<Vendor>,
}

impl Node {
    /// A node with only its identity: nothing else is known yet (the safe reading: not logged,
    /// not authenticating, outside every boundary).
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            name: name.into(),
            kind,
            description: None,
            owner: None,
            boundary: None,
            technology: None,
            hosting: None,
            role: None,
            region: None,
            environment: None,
            logging: false,
            authenticates: false,
            encryption_at_rest: None,
            holds: Vec::new(),
            strips: Vec::new(),
            clearance: None,
            controls: Vec::new(),
            vendor: None,
        }
    }
}

/// What a node is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A person or a client (browser, mobile app).
    Actor,
    /// A function, container, VM or API.
    Service,
    /// A database, bucket, cache or file system.
    Store,
    /// A queue, stream, topic or event bus.
    Queue,
    /// A third-party system or vendor.
    External,
}

/// Hosting model for shared responsibility.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Hosting {
    /// IaaS: the team runs the OS.
    SelfManaged,
    /// PaaS or managed containers.
    Platform,
    /// Functions as a service.
    Serverless,
    /// Software as a service: the provider runs everything but the data.
    Saas,
}

/// A special role of a node.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A log store or log pipeline.
    LogSink,
    /// A secrets vault.
    Vault,
    /// An identity provider.
    IdentityProvider,
    /// A router: its outgoing flows carry only what they declare.
    Gateway,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Prod,
    Staging,
    Test,
    Dev,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EncryptionAtRest {
    None,
    /// Encrypted with a key the provider manages.
    Provider,
    /// Encrypted with a key the team manages (KMS CMK, HSM).
    CustomerKey,
}

/// The vendor record of an external node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Agreements on file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreements: Vec<Agreement>,
    /// Third-party attestations on file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<Attestation>,
}

/// An agreement with a vendor.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Agreement {
    /// Data processing agreement (GDPR Art. 28).
    Dpa,
    /// Business associate agreement (HIPAA).
    Baa,
    /// PCI DSS attestation of compliance.
    PciAoc,
    /// Standard contractual clauses for transfers (GDPR Chapter V).
    Scc,
    /// Non-disclosure agreement.
    Nda,
    /// Master services agreement.
    Msa,
}

/// A third-party attestation, such as a SOC 2 Type II report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    pub kind: AttestationKind,
    /// The day the report or certificate was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<Date>,
    /// The last day it is current (expiry dates are inclusive, as for waivers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AttestationKind {
    Soc2Type1,
    Soc2Type2,
    Iso27001,
    Iso27701,
    PciDss,
    Hitrust,
    Fedramp,
}

/// A directed data flow from one node to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Stable id, unique among nodes, flows and boundaries.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Protocol, e.g. `https`, `grpc`, `sqs`, `postgres`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Encrypted in transit? Absent means no.
    #[serde(default, skip_serializing_if = "is_false")]
    pub encrypted: bool,
    /// Minimum TLS version, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_min: Option<TlsVersion>,
    /// Does the receiver verify the sender? Absent means no.
    #[serde(default, skip_serializing_if = "is_false")]
    pub authenticated: bool,
    /// Is the flow logged or observed (access logs, flow logs, traces)? Absent means no.
    #[serde(default, skip_serializing_if = "is_false")]
    pub monitored: bool,
    /// Data classes the flow is declared to carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum TlsVersion {
    #[serde(rename = "1.0")]
    V1_0,
    #[serde(rename = "1.1")]
    V1_1,
    #[serde(rename = "1.2")]
    V1_2,
    #[serde(rename = "1.3")]
    V1_3,
}

/// A trust boundary; boundaries nest through `parent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// Stable id, unique among nodes, flows and boundaries.
    pub id: String,
    pub name: String,
    pub kind: BoundaryKind,
    /// The enclosing boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum BoundaryKind {
    Internet,
    Account,
    Network,
    Region,
    Vendor,
    /// An execution environment (runtime, sandbox, enclave).
    Runtime,
}

impl BoundaryKind {
    /// Boundaries whose sides are different trust zones: a flow between two of them crosses.
    pub fn is_zone(self) -> bool {
        matches!(
            self,
            BoundaryKind::Network | BoundaryKind::Account | BoundaryKind::Vendor
        )
    }
}

/// A data class defined by the model (the built-in taxonomy is in [`crate::taxonomy`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataClass {
    pub id: String,
    pub name: String,
    /// Sensitivity tier, 0 (public) to 6 (secrets). Tier 3 and above is sensitive.
    #[schemars(range(min = 0, max = 9))]
    pub tier: u8,
    /// Is it personal data?
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<Regime>,
    /// Must never be stored (like PCI sensitive authentication data).
    #[serde(default, skip_serializing_if = "is_false")]
    pub never_store: bool,
    /// Regions where the class may be processed; empty means anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub residency: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Is the class consumed by the node that receives it rather than passed on (a password
    /// checked at sign-in, a session token validated by the API)? Propagation then stops at
    /// that node: the class travels further only on a flow that declares it. Absent means no:
    /// the class propagates like any other. Built in for `credentials` and `session-token`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub consumed_at_hop: bool,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Regime {
    #[serde(rename = "GDPR")]
    Gdpr,
    #[serde(rename = "HIPAA")]
    Hipaa,
    #[serde(rename = "PCI")]
    Pci,
}

/// `"off"` or `{ "severity": "low" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(crate::Severity),
}

/// An accepted risk: suppresses exactly one finding (rule + subject) until it expires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule id, e.g. `LOG-002`.
    pub rule: String,
    /// The id of the node, flow or boundary the finding is about.
    pub subject: String,
    pub reason: String,
    pub approved_by: String,
    /// The last day the waiver applies (expiry dates are inclusive, as for attestations).
    pub expires: Date,
}

/// How the team meets a control, in its own words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    /// A control id, e.g. `CC6.1` or `SOC2:CC6.1`.
    pub control: String,
    pub text: String,
}

/// Canvas geometry, kept apart from the analysed model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nodes: BTreeMap<String, Point>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub boundaries: BTreeMap<String, Rect>,
}

impl Layout {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.boundaries.is_empty()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Model {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }
    pub fn boundary(&self, id: &str) -> Option<&Boundary> {
        self.boundaries.iter().find(|b| b.id == id)
    }
}

macro_rules! impl_as_str {
    ($($ty:ty { $($variant:ident => $s:literal),* $(,)? })*) => {$(
        impl $ty {
            /// The name used in the file format, the CLI and the UI.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),* }
            }
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

impl_as_str! {
    NodeKind { Actor => "actor", Service => "service", Store => "store", Queue => "queue", External => "external" }
    Hosting { SelfManaged => "self-managed", Platform => "platform", Serverless => "serverless", Saas => "saas" }
    Role { LogSink => "log-sink", Vault => "vault", IdentityProvider => "identity-provider", Gateway => "gateway" }
    Environment { Prod => "prod", Staging => "staging", Test => "test", Dev => "dev" }
    EncryptionAtRest { None => "none", Provider => "provider", CustomerKey => "customer-key" }
    Agreement { Dpa => "dpa", Baa => "baa", PciAoc => "pci-aoc", Scc => "scc", Nda => "nda", Msa => "msa" }
    AttestationKind { Soc2Type1 => "soc2-type1", Soc2Type2 => "soc2-type2", Iso27001 => "iso27001", Iso27701 => "iso27701", PciDss => "pci-dss", Hitrust => "hitrust", Fedramp => "fedramp" }
    TlsVersion { V1_0 => "1.0", V1_1 => "1.1", V1_2 => "1.2", V1_3 => "1.3" }
    BoundaryKind { Internet => "internet", Account => "account", Network => "network", Region => "region", Vendor => "vendor", Runtime => "runtime" }
    Regime { Gdpr => "GDPR", Hipaa => "HIPAA", Pci => "PCI" }
}

/// JSON pointers of a model's elements by id (`/nodes/3`), to locate findings in the file.
pub struct Pointers {
    by_id: std::collections::HashMap<String, String>,
}

impl Pointers {
    pub fn new(model: &Model) -> Pointers {
        let mut by_id =
            std::collections::HashMap::with_capacity(model.nodes.len() + model.flows.len());
        for (i, boundary) in model.boundaries.iter().enumerate() {
            by_id.insert(boundary.id.clone(), format!("/boundaries/{i}"));
        }
        for (i, node) in model.nodes.iter().enumerate() {
            by_id.insert(node.id.clone(), format!("/nodes/{i}"));
        }
        for (i, flow) in model.flows.iter().enumerate() {
            by_id.insert(flow.id.clone(), format!("/flows/{i}"));
        }
        Pointers { by_id }
    }

    /// The pointer of the element with this id (`""`, the document, when there is none).
    pub fn of(&self, id: &str) -> &str {
        self.by_id.get(id).map_or("", String::as_str)
    }
}
