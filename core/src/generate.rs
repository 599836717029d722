//! A deterministic generator of large, realistic `flowmap/1` models, for benchmarks and scale
//! tests (the engine's benchmarks, and the app's 1,000- and 10,000-node canvas tests).
//!
//! The same [`GenerateSpec`] always gives the same [`Model`], on every platform: the only source
//! of variety is a small splitmix64 generator seeded from [`GenerateSpec::seed`] (the core draws
//! no random numbers from the system and reads no clock).
//!
//! The shape follows a real estate of cloud accounts:
//! - boundaries nest `region → account → network → runtime → …` ([`GenerateSpec::depth`] levels
//!   from the account down), beside an `internet` boundary for actors and one `vendor` boundary
//!   per third party;
//! - each innermost boundary is a *cell* of a few dozen nodes: usually a gateway, services,
//!   queues and stores, ordered like a pipeline so that most flows run downstream; each account
//!   has a log sink, and some an identity provider and a secrets vault;
//! - flows chain every cell's services and link each cell to the next, so taint travels far;
//!   read paths, replication and central logging close cycles; actors and externals call
//!   gateways (or, sometimes, services directly), services call vendors, logs are shipped out;
//! - data classes (the built-ins and [`GenerateSpec::custom_classes`] of the model's own) are
//!   declared on a fraction of flows, held by some stores and stripped by a few tokenizers;
//! - owners, hosting, regions, environments, technologies, controls, encryption, TLS versions,
//!   vendor records, waivers and narratives are filled in variably, so most rules have a large
//!   population and find something;
//! - every node and boundary has a position on the canvas.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::model::{
    Agreement, Attestation, AttestationKind, Boundary, BoundaryKind, DataClass, EncryptionAtRest,
    Environment, Flow, Hosting, Layout, Model, Narrative, Node, NodeKind, Point, Rect, Regime,
    Role, RuleSetting, TlsVersion, Vendor, Waiver, FORMAT,
};
use crate::taxonomy::{builtin_classes, MAX_CLASSES};

/// What to generate. Start from [`GenerateSpec::new`] and change what matters.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateSpec {
    /// Number of nodes, exactly.
    pub nodes: usize,
    /// Average flows per node: the model has `round(nodes × flows_per_node)` flows (none when
    /// there are fewer than two nodes).
    pub flows_per_node: f64,
    /// Seed of the generator: the same spec gives the same model.
    pub seed: u64,
    /// Data classes the model defines on top of the 15 built-ins (capped so the total stays
    /// within the 128 a model may use).
    pub custom_classes: usize,
    /// Levels of boundaries from an account down to the innermost one: 1 is accounts only,
    /// 2 adds networks, 3 adds runtimes (account → network → runtime), more nest further
    /// runtimes (sandboxes). 0 puts internal nodes in no boundary at all.
    pub depth: usize,
}

impl GenerateSpec {
    /// `nodes` nodes with 3 flows per node, 4 classes of the model's own (18 in all), and
    /// boundaries nested three deep (account → network → runtime), seed 1.
    pub fn new(nodes: usize) -> GenerateSpec {
        GenerateSpec {
            nodes,
            flows_per_node: 3.0,
            seed: 1,
            custom_classes: 4,
            depth: 3,
        }
    }

    /// The number of flows the model will have.
    pub fn flow_count(&self) -> usize {
        if self.nodes < 2 || self.flows_per_node.is_nan() || self.flows_per_node <= 0.0 {
            return 0;
        }
        (self.nodes as f64 * self.flows_per_node).round() as usize
    }
}

impl Default for GenerateSpec {
    fn default() -> GenerateSpec {
        GenerateSpec::new(1_000)
    }
}

/// Generates a model that loads without error (see the module docs for its shape).
pub fn generate(spec: &GenerateSpec) -> Model {
    Generator::new(spec).run()
}

/// splitmix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough to shape test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Mix the seed once so that seeds 0, 1, 2, … start far apart.
        let mut rng = Rng(seed ^ 0x6a09_e667_f3bc_c908);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the given weights (not all zero).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut at = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if at < *w {
                return i;
            }
            at -= w;
        }
        weights.len() - 1
    }
}

/// What a generated node is, finer than [`NodeKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Actor,
    Gateway,
    Service,
    Queue,
    Store,
    LogSink,
    IdentityProvider,
    Vault,
    External,
}

impl Shape {
    fn kind(self) -> NodeKind {
        match self {
            Shape::Actor => NodeKind::Actor,
            Shape::Gateway | Shape::Service | Shape::IdentityProvider => NodeKind::Service,
            Shape::Queue => NodeKind::Queue,
            Shape::Store | Shape::LogSink | Shape::Vault => NodeKind::Store,
            Shape::External => NodeKind::External,
        }
    }

    /// Relative number of outgoing flows.
    fn out_weight(self) -> f64 {
        match self {
            Shape::Actor => 3.0,
            Shape::Gateway => 4.0,
            Shape::Service => 3.6,
            Shape::Queue => 2.5,
            Shape::Store => 1.0,
            Shape::LogSink => 1.5,
            Shape::IdentityProvider => 2.0,
            Shape::Vault => 1.0,
            Shape::External => 0.6,
        }
    }

    /// Pipeline stage inside a cell: flows mostly go to later stages.
    fn stage(self, rng: &mut Rng) -> u8 {
        match self {
            Shape::Gateway => 0,
            Shape::Service => 1 + rng.below(3) as u8,
            Shape::Queue => 2 + rng.below(2) as u8,
            Shape::Store => 4,
            _ => 5,
        }
    }
}

/// A group of nodes in one innermost boundary.
struct Cell {
    account: usize,
    /// Nodes in pipeline order.
    nodes: Vec<usize>,
    /// First node after the gateway, where the chain from the previous cell arrives.
    entry: usize,
}

struct Account {
    boundary: Option<usize>,
    region: &'static str,
    environment: Environment,
    team_base: usize,
    log_sink: Option<usize>,
    identity_provider: Option<usize>,
    vault: Option<usize>,
    cells: Vec<usize>,
    /// Weights of the classes this account's systems handle (zero for the others): each
    /// domain works with a few classes, as payments handle cardholder data and clinics PHI.
    palette: Vec<u32>,
}

const REGIONS: &[&str] = &[
    "eu-west-1",
    "eu-central-1",
    "us-east-1",
    "us-west-2",
    "ap-southeast-2",
    "sa-east-1",
];
const DOMAINS: &[&str] = &[
    "orders",
    "payments",
    "accounts",
    "catalog",
    "search",
    "shipping",
    "billing",
    "identity",
    "support",
    "analytics",
    "pricing",
    "inventory",
    "claims",
    "patients",
    "onboarding",
    "fraud",
    "notifications",
    "reporting",
];
const VENDORS: &[&str] = &[
    "Stripe",
    "SendGrid",
    "Datadog",
    "Segment",
    "Twilio",
    "Okta",
    "Salesforce",
    "Zendesk",
    "Snowflake",
    "Splunk",
    "Adyen",
    "Mixpanel",
];
const CONTROLS: &[&str] = &[
    "waf",
    "vuln-scan",
    "secrets-manager",
    "mfa",
    "edr",
    "backup",
    "dlp",
];

/// Classes a model may add, as (id, name, tier, personal, regime, never_store, residency).
type ClassTemplate = (
    &'static str,
    &'static str,
    u8,
    bool,
    Option<Regime>,
    bool,
    &'static [&'static str],
);
const CUSTOM_CLASSES: &[ClassTemplate] = &[
    ("order-ref", "Order reference", 1, false, None, false, &[]),
    (
        "device-id",
        "Device identifier",
        3,
        true,
        Some(Regime::Gdpr),
        false,
        &["eu-west-1", "eu-central-1"],
    ),
    ("session-token", "Session token", 6, false, None, true, &[]),
    (
        "health-metrics",
        "Health metrics",
        5,
        true,
        Some(Regime::Hipaa),
        false,
        &["us-east-1", "us-west-2"],
    ),
    (
        "location",
        "Precise location",
        4,
        true,
        Some(Regime::Gdpr),
        false,
        &[],
    ),
    ("ad-id", "Advertising id", 3, true, None, false, &[]),
    (
        "model-weights",
        "ML model weights",
        2,
        false,
        None,
        false,
        &[],
    ),
    (
        "tax-id",
        "Tax identifier",
        4,
        true,
        Some(Regime::Gdpr),
        false,
        &["eu-west-1"],
    ),
];

/// Relative frequency of each built-in class on flows and in stores (taxonomy order).
/// `session-token` (last) is never drawn, so generated models stay what they were before it
/// was built in.
const BUILTIN_WEIGHTS: [u32; 15] = [5, 10, 8, 6, 3, 10, 5, 2, 1, 1, 2, 2, 3, 1, 0];
/// Relative frequency of each class of the model's own.
const CUSTOM_WEIGHT: u32 = 4;

struct Generator<'s> {
    spec: &'s GenerateSpec,
    rng: Rng,
    class_ids: Vec<String>,
    class_weights: Vec<u32>,
    boundaries: Vec<Boundary>,
    /// Per boundary: its parent's index.
    parent_of: Vec<Option<usize>>,
    nodes: Vec<Node>,
    shapes: Vec<Shape>,
    /// Per node: its cell, if it is inside one.
    cell_of: Vec<Option<usize>>,
    /// Per node: its account, for internal nodes.
    account_of: Vec<Option<usize>>,
    cells: Vec<Cell>,
    accounts: Vec<Account>,
    actors: Vec<usize>,
    externals: Vec<usize>,
    gateways: Vec<usize>,
    log_sinks: Vec<usize>,
    /// Region boundaries created so far, by region.
    region_boundaries: BTreeMap<&'static str, usize>,
}

impl<'s> Generator<'s> {
    fn new(spec: &'s GenerateSpec) -> Generator<'s> {
        Generator {
            spec,
            rng: Rng::new(spec.seed),
            class_ids: Vec::new(),
            class_weights: Vec::new(),
            boundaries: Vec::new(),
            parent_of: Vec::new(),
            nodes: Vec::with_capacity(spec.nodes),
            shapes: Vec::with_capacity(spec.nodes),
            cell_of: Vec::with_capacity(spec.nodes),
            account_of: Vec::with_capacity(spec.nodes),
            cells: Vec::new(),
            accounts: Vec::new(),
            actors: Vec::new(),
            externals: Vec::new(),
            gateways: Vec::new(),
            log_sinks: Vec::new(),
            region_boundaries: BTreeMap::new(),
        }
    }

    fn run(mut self) -> Model {
        let classes = self.classes();
        let n = self.spec.nodes;
        let (actor_count, external_count) = match n {
            0 => (0, 0),
            1..=2 => (1, 0),
            3..=9 => (1, 1),
            _ => ((n * 3 / 100).max(1), (n * 4 / 100).max(1)),
        };
        let internal = n - actor_count - external_count;
        self.actors(actor_count);
        self.internal(internal);
        self.externals(external_count);
        let flows = self.flows();
        let waivers = self.waivers(&flows);
        let layout = self.layout();
        let mut rules = BTreeMap::new();
        if crate::rules::find("LOG-001").is_some() {
            rules.insert(
                "LOG-001".to_owned(),
                RuleSetting::Severity(crate::finding::Severity::Low),
            );
        }
        let narratives = ["CC6.1", "CC6.7", "CC7.2", "A.8.24", "P6.1"]
            .iter()
            .map(|control| Narrative {
                control: (*control).to_owned(),
                text: format!(
                    "How the platform teams meet {control}: see the security handbook, section \
                     on {control}."
                ),
            })
            .collect();
        Model {
            format: FORMAT.to_owned(),
            name: format!("Generated estate ({n} nodes, seed {})", self.spec.seed),
            description: Some(format!(
                "A generated model: {} boundaries, {} nodes, {} flows, {} data classes.",
                self.boundaries.len(),
                n,
                flows.len(),
                self.class_ids.len()
            )),
            classes,
            boundaries: self.boundaries,
            nodes: self.nodes,
            flows,
            rules,
            waivers,
            narratives,
            layout,
        }
    }

    /// The model's own classes; fills `class_ids` and `class_weights` for all of them.
    fn classes(&mut self) -> Vec<DataClass> {
        let builtins = builtin_classes();
        let count = self.spec.custom_classes.min(MAX_CLASSES - builtins.len());
        self.class_ids = builtins.iter().map(|c| c.id.clone()).collect();
        self.class_weights = BUILTIN_WEIGHTS.to_vec();
        let mut own = Vec::with_capacity(count);
        for i in 0..count {
            let class = match CUSTOM_CLASSES.get(i) {
                Some(&(id, name, tier, personal, regime, never_store, residency)) => DataClass {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    tier,
                    personal,
                    regime,
                    never_store,
                    residency: residency.iter().map(|r| (*r).to_owned()).collect(),
                    description: None,
                    consumed_at_hop: false,
                },
                None => DataClass {
                    id: format!("custom-{i}"),
                    name: format!("Custom class {i}"),
                    tier: (i % 7) as u8,
                    personal: i % 3 == 0,
                    regime: None,
                    never_store: false,
                    residency: Vec::new(),
                    description: Some("A generated class.".to_owned()),
                    consumed_at_hop: false,
                },
            };
            self.class_ids.push(class.id.clone());
            self.class_weights.push(CUSTOM_WEIGHT);
            own.push(class);
        }
        own
    }

    /// 1 to `max` distinct class ids, drawn by weight from the account's palette (from all
    /// classes outside accounts).
    fn class_list(&mut self, account: Option<usize>, max: usize) -> Vec<String> {
        let weights = match account {
            Some(a) => &self.accounts[a].palette,
            None => &self.class_weights,
        };
        let count = self.rng.range(1, max);
        let mut picked: Vec<usize> = Vec::with_capacity(count);
        for _ in 0..count {
            let c = self.rng.weighted(weights);
            if !picked.contains(&c) {
                picked.push(c);
            }
        }
        picked.iter().map(|c| self.class_ids[*c].clone()).collect()
    }

    /// An account's palette: `internal` and four to seven more classes, drawn by weight.
    fn palette(&mut self) -> Vec<u32> {
        let mut palette = vec![0; self.class_weights.len()];
        palette[1] = self.class_weights[1];
        for _ in 0..self.rng.range(4, 7) {
            let c = self.rng.weighted(&self.class_weights);
            palette[c] = self.class_weights[c];
        }
        palette
    }

    fn add_boundary(
        &mut self,
        id: String,
        name: String,
        kind: BoundaryKind,
        parent: Option<usize>,
        region: Option<&str>,
    ) -> usize {
        self.parent_of.push(parent);
        self.boundaries.push(Boundary {
            id,
            name,
            kind,
            parent: parent.map(|p| self.boundaries[p].id.clone()),
            region: region.map(str::to_owned),
            description: None,
        });
        self.boundaries.len() - 1
    }

    fn add_node(&mut self, shape: Shape, node: Node) -> usize {
        self.nodes.push(node);
        self.shapes.push(shape);
        self.cell_of.push(None);
        self.account_of.push(None);
        self.nodes.len() - 1
    }

    fn actors(&mut self, count: usize) {
        if count == 0 {
            return;
        }
        let internet = self.add_boundary(
            "internet".to_owned(),
            "Internet".to_owned(),
            BoundaryKind::Internet,
            None,
            None,
        );
        const ACTORS: &[&str] = &[
            "Customer browser",
            "Mobile app",
            "Partner system",
            "Admin console",
            "Support agent",
            "Patient portal",
        ];
        for i in 0..count {
            let i_node = self.nodes.len();
            let mut node = Node::new(
                format!("actor-{i_node}"),
                format!("{} {i}", self.rng.pick(ACTORS)),
                NodeKind::Actor,
            );
            if self.rng.chance(0.85) {
                node.boundary = Some(self.boundaries[internet].id.clone());
            }
            let n = self.add_node(Shape::Actor, node);
            self.actors.push(n);
        }
    }

    /// Accounts, their nested boundaries, and the cells of internal nodes.
    fn internal(&mut self, count: usize) {
        let mut left = count;
        // The open boundary at each level below the account, with how many more children it
        // takes: a lazy tree that grows exactly as many cells as the nodes need.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut cells_in_account = 0;
        while left > 0 {
            let new_account = self.accounts.is_empty()
                || (self.spec.depth <= 1 && cells_in_account >= 3)
                || (self.spec.depth > 1 && open.is_empty());
            if new_account {
                let reserved = self.account(&mut left);
                cells_in_account = 0;
                open.clear();
                if self.spec.depth > 1 {
                    if let Some(b) = self.accounts.last().unwrap().boundary {
                        open.push((b, self.rng.range(2, 3)));
                    }
                }
                if reserved {
                    continue;
                }
            }
            if left == 0 {
                break;
            }
            let account = self.accounts.len() - 1;
            // Descend to a fresh innermost boundary.
            while open.last().is_some_and(|(_, children)| *children == 0) {
                open.pop();
            }
            let leaf = if self.spec.depth == 0 {
                None
            } else if self.spec.depth == 1 {
                self.accounts[account].boundary
            } else {
                if open.is_empty() {
                    // This account is full; the next iteration opens a new one.
                    continue;
                }
                while open.len() < self.spec.depth {
                    let (parent, children) = open.last_mut().unwrap();
                    *children -= 1;
                    let parent = *parent;
                    let level = open.len();
                    let b = self.nested_boundary(parent, level);
                    let children = if open.len() + 1 < self.spec.depth {
                        self.rng.range(2, 4)
                    } else {
                        0
                    };
                    open.push((b, children));
                }
                let (leaf, _) = open.pop().unwrap();
                Some(leaf)
            };
            let size = left.min(self.rng.range(16, 64));
            left -= size;
            self.cell(account, leaf, size);
            cells_in_account += 1;
        }
    }

    /// A new account (inside a region boundary half the time) with its shared nodes. True when
    /// the shared nodes took all that was left.
    fn account(&mut self, left: &mut usize) -> bool {
        let index = self.accounts.len();
        let region = *self.rng.pick(REGIONS);
        let environment = match self.rng.below(10) {
            0..=5 => Environment::Prod,
            6 | 7 => Environment::Staging,
            8 => Environment::Test,
            _ => Environment::Dev,
        };
        let domain = DOMAINS[index % DOMAINS.len()];
        let boundary = if self.spec.depth == 0 {
            None
        } else {
            let parent = if self.rng.chance(0.5) {
                Some(match self.region_boundaries.get(region) {
                    Some(b) => *b,
                    None => {
                        let b = self.add_boundary(
                            format!("region-{region}"),
                            format!("Region {region}"),
                            BoundaryKind::Region,
                            None,
                            Some(region),
                        );
                        self.region_boundaries.insert(region, b);
                        b
                    }
                })
            } else {
                None
            };
            // Most accounts state their region; the others inherit it from the region
            // boundary or have none.
            let stated = self.rng.chance(0.8).then_some(region);
            Some(self.add_boundary(
                format!("acct-{index}"),
                format!("{} {} account {index}", domain, environment.as_str()),
                BoundaryKind::Account,
                parent,
                stated,
            ))
        };
        let palette = self.palette();
        self.accounts.push(Account {
            boundary,
            region,
            environment,
            team_base: index * 3,
            log_sink: None,
            identity_provider: None,
            vault: None,
            cells: Vec::new(),
            palette,
        });
        let shared = [
            (Shape::LogSink, true),
            (Shape::IdentityProvider, self.rng.chance(0.5)),
            (Shape::Vault, self.rng.chance(0.5)),
        ];
        for (shape, wanted) in shared {
            if !wanted || *left == 0 {
                continue;
            }
            let n = self.internal_node(shape, index, boundary);
            *left -= 1;
            match shape {
                Shape::LogSink => {
                    self.accounts[index].log_sink = Some(n);
                    self.log_sinks.push(n);
                }
                Shape::IdentityProvider => self.accounts[index].identity_provider = Some(n),
                _ => self.accounts[index].vault = Some(n),
            }
        }
        *left == 0
    }

    fn nested_boundary(&mut self, parent: usize, level: usize) -> usize {
        let index = self.boundaries.len();
        let (kind, id, name) = match level {
            1 => (
                BoundaryKind::Network,
                format!("net-{index}"),
                format!("VPC {index}"),
            ),
            2 => (
                BoundaryKind::Runtime,
                format!("rt-{index}"),
                format!("Cluster {index}"),
            ),
            _ => (
                BoundaryKind::Runtime,
                format!("sandbox-{index}"),
                format!("Sandbox {index}"),
            ),
        };
        self.add_boundary(id, name, kind, Some(parent), None)
    }

    /// A cell of `size` internal nodes in boundary `leaf`.
    fn cell(&mut self, account: usize, leaf: Option<usize>, size: usize) {
        let mut chain = Vec::new();
        let mut current = leaf;
        while let Some(b) = current {
            chain.push(b);
            current = self.parent_of[b];
        }
        let mut shapes = Vec::with_capacity(size);
        if size >= 4 && self.rng.chance(0.7) {
            shapes.push(Shape::Gateway);
        }
        while shapes.len() < size {
            shapes.push(match self.rng.below(100) {
                0..=54 => Shape::Service,
                55..=67 => Shape::Queue,
                68..=95 => Shape::Store,
                _ => Shape::LogSink,
            });
        }
        let mut staged: Vec<(u8, usize, Shape)> = shapes
            .into_iter()
            .enumerate()
            .map(|(i, shape)| (shape.stage(&mut self.rng), i, shape))
            .collect();
        staged.sort_unstable_by_key(|(stage, i, _)| (*stage, *i));
        let cell = self.cells.len();
        let mut nodes = Vec::with_capacity(size);
        for (_, _, shape) in staged {
            // Most nodes sit in the innermost boundary; some directly in an enclosing one.
            let boundary = match self.rng.below(100) {
                0..=76 => chain.first(),
                77..=92 => chain.get(1).or(chain.first()),
                93..=97 => chain.get(2).or(chain.last()),
                _ => chain.last(),
            }
            .copied();
            let n = self.internal_node(shape, account, boundary);
            self.cell_of[n] = Some(cell);
            if shape == Shape::Gateway {
                self.gateways.push(n);
            }
            if shape == Shape::LogSink {
                self.log_sinks.push(n);
            }
            nodes.push(n);
        }
        let gateway = nodes
            .first()
            .copied()
            .filter(|n| self.shapes[*n] == Shape::Gateway);
        let entry = nodes[usize::from(gateway.is_some() && nodes.len() > 1)];
        self.cells.push(Cell {
            account,
            nodes,
            entry,
        });
        self.accounts[account].cells.push(cell);
    }

    /// An internal node with its attributes filled in variably.
    fn internal_node(&mut self, shape: Shape, account: usize, boundary: Option<usize>) -> usize {
        let index = self.nodes.len();
        let kind = shape.kind();
        let (region, environment, team_base) = {
            let a = &self.accounts[account];
            (a.region, a.environment, a.team_base)
        };
        let domain = DOMAINS[(team_base / 3 + self.rng.below(2)) % DOMAINS.len()];
        let (prefix, name, technologies): (&str, String, &[&str]) = match shape {
            Shape::Gateway => (
                "gw",
                format!("{domain} API gateway {index}"),
                &["aws-api-gateway", "kong", "envoy", "nginx"],
            ),
            Shape::Service => (
                "svc",
                format!("{domain} service {index}"),
                &[
                    "aws-lambda",
                    "ecs-fargate",
                    "kubernetes",
                    "ec2",
                    "cloud-run",
                ],
            ),
            Shape::Queue => (
                "q",
                format!("{domain} events {index}"),
                &["aws-sqs", "kafka", "aws-sns", "rabbitmq", "kinesis"],
            ),
            Shape::Store => (
                "db",
                format!("{domain} store {index}"),
                &[
                    "aws-aurora",
                    "aws-s3",
                    "dynamodb",
                    "postgres",
                    "redis",
                    "mongodb",
                ],
            ),
            Shape::LogSink => (
                "logs",
                format!("{domain} logs {index}"),
                &["cloudwatch-logs", "elasticsearch", "loki", "aws-s3"],
            ),
            Shape::IdentityProvider => (
                "idp",
                format!("Identity provider {index}"),
                &["cognito", "keycloak", "auth0"],
            ),
            Shape::Vault => (
                "vault",
                format!("Secrets vault {index}"),
                &["aws-secrets-manager", "hashicorp-vault", "kms"],
            ),
            Shape::Actor | Shape::External => unreachable!("not internal"),
        };
        let mut node = Node::new(format!("{prefix}-{index}"), name, kind);
        node.boundary = boundary.map(|b| self.boundaries[b].id.clone());
        node.role = match shape {
            Shape::Gateway => Some(Role::Gateway),
            Shape::LogSink => Some(Role::LogSink),
            Shape::IdentityProvider => Some(Role::IdentityProvider),
            Shape::Vault => Some(Role::Vault),
            _ => None,
        };
        if self.rng.chance(0.85) {
            node.owner = Some(format!("team-{}", team_base + self.rng.below(3)));
        }
        if self.rng.chance(0.85) {
            node.technology = Some((*self.rng.pick(technologies)).to_owned());
        }
        if self.rng.chance(0.9) {
            node.hosting = Some(match (kind, self.rng.below(10)) {
                (NodeKind::Service, 0..=4) => Hosting::Serverless,
                (NodeKind::Service, 5..=7) => Hosting::Platform,
                (NodeKind::Service, _) => Hosting::SelfManaged,
                (_, 0..=4) => Hosting::Platform,
                (_, 5..=7) => Hosting::Saas,
                _ => Hosting::SelfManaged,
            });
        }
        match self.rng.below(100) {
            0..=54 => node.region = Some(region.to_owned()),
            55..=59 => node.region = Some((*self.rng.pick(REGIONS)).to_owned()),
            _ => {}
        }
        if self.rng.chance(0.75) {
            node.environment = Some(environment);
        }
        node.logging = self.rng.chance(0.7);
        node.authenticates = match shape {
            Shape::Gateway | Shape::IdentityProvider => self.rng.chance(0.8),
            Shape::Service => self.rng.chance(0.15),
            _ => false,
        };
        if matches!(kind, NodeKind::Store | NodeKind::Queue) {
            node.encryption_at_rest = match self.rng.below(20) {
                0..=12 => Some(EncryptionAtRest::Provider),
                13..=15 => Some(EncryptionAtRest::CustomerKey),
                16 => Some(EncryptionAtRest::None),
                _ => None,
            };
        }
        match shape {
            Shape::Store if self.rng.chance(0.5) => node.holds = self.class_list(Some(account), 3),
            Shape::Queue if self.rng.chance(0.1) => node.holds = self.class_list(Some(account), 2),
            Shape::LogSink => {
                node.holds = vec!["telemetry".to_owned(), "audit-log".to_owned()];
            }
            Shape::Vault => node.holds = vec!["credentials".to_owned()],
            Shape::Service if self.rng.chance(0.05) => {
                // A tokenizer, an anonymizer or a redactor.
                node.strips = match self.rng.below(3) {
                    0 => vec!["cardholder".to_owned(), "sad".to_owned()],
                    1 => vec![
                        "personal".to_owned(),
                        "gov-id".to_owned(),
                        "financial".to_owned(),
                    ],
                    _ => self.class_list(Some(account), 3),
                };
            }
            // A service that keeps what it processes (a cache, a local file).
            Shape::Service if self.rng.chance(0.08) => {
                node.holds = self.class_list(Some(account), 2)
            }
            _ => {}
        }
        if self.rng.chance(0.1) {
            node.clearance = Some(self.rng.range(2, 6) as u8);
        }
        if self.rng.chance(0.3) {
            let first = self.rng.below(CONTROLS.len());
            node.controls.push(CONTROLS[first].to_owned());
            let second = self.rng.below(CONTROLS.len());
            if second != first && self.rng.chance(0.4) {
                node.controls.push(CONTROLS[second].to_owned());
            }
        }
        if self.rng.chance(0.04) {
            node.description = Some(format!("Owned by the {domain} domain."));
        }
        let n = self.add_node(shape, node);
        self.account_of[n] = Some(account);
        n
    }

    fn externals(&mut self, count: usize) {
        if count == 0 {
            return;
        }
        let vendor_count = count.div_ceil(6);
        let mut vendors = Vec::with_capacity(vendor_count);
        for v in 0..vendor_count {
            let name = VENDORS[v % VENDORS.len()];
            let region = self.rng.chance(0.6).then(|| *self.rng.pick(REGIONS));
            vendors.push(self.add_boundary(
                format!("vendor-{v}"),
                format!("{name} ({v})"),
                BoundaryKind::Vendor,
                None,
                region,
            ));
        }
        for i in 0..count {
            let index = self.nodes.len();
            let v = if i < vendor_count {
                i
            } else {
                self.rng.below(vendor_count)
            };
            let vendor_name = VENDORS[v % VENDORS.len()];
            let mut node = Node::new(
                format!("ext-{index}"),
                format!("{vendor_name} API {index}"),
                NodeKind::External,
            );
            if self.rng.chance(0.9) {
                node.boundary = Some(self.boundaries[vendors[v]].id.clone());
            }
            if self.rng.chance(0.7) {
                node.owner = Some(format!("vendor-management-{}", v % 5));
            }
            if self.rng.chance(0.6) {
                node.region = Some((*self.rng.pick(REGIONS)).to_owned());
            }
            if self.rng.chance(0.5) {
                node.hosting = Some(Hosting::Saas);
            }
            if self.rng.chance(0.3) {
                // What the vendor keeps of what it receives.
                node.holds = self.class_list(None, 2);
            }
            if self.rng.chance(0.75) {
                let mut vendor = Vendor::default();
                for (agreement, p) in [
                    (Agreement::Dpa, 0.6),
                    (Agreement::Baa, 0.1),
                    (Agreement::PciAoc, 0.1),
                    (Agreement::Scc, 0.2),
                    (Agreement::Nda, 0.3),
                    (Agreement::Msa, 0.4),
                ] {
                    if self.rng.chance(p) {
                        vendor.agreements.push(agreement);
                    }
                }
                for _ in 0..self.rng.below(3) {
                    let kind = *self.rng.pick(AttestationKind::ALL);
                    // Issued between 2024-01-01 and the end of 2026; valid for a year.
                    let issued = 19_723 + self.rng.below(1_000) as i64;
                    vendor.attestations.push(Attestation {
                        kind,
                        issued: self
                            .rng
                            .chance(0.8)
                            .then(|| Date::from_days_since_epoch(issued)),
                        expires: Some(Date::from_days_since_epoch(issued + 365)),
                    });
                }
                node.vendor = Some(vendor);
            }
            let n = self.add_node(Shape::External, node);
            self.externals.push(n);
        }
    }

    fn flows(&mut self) -> Vec<Flow> {
        let total = self.spec.flow_count();
        let mut flows = Vec::with_capacity(total);
        if total == 0 {
            return flows;
        }
        // Out-degrees by shape weight, rounded so that they add up to `total` exactly.
        let weight_sum: f64 = self.shapes.iter().map(|s| s.out_weight()).sum();
        let per_weight = total as f64 / weight_sum;
        let mut cumulative = 0.0;
        let mut assigned = 0usize;
        for from in 0..self.nodes.len() {
            cumulative += self.shapes[from].out_weight() * per_weight;
            let upto = if from + 1 == self.nodes.len() {
                total
            } else {
                (cumulative.round() as usize).min(total)
            };
            let degree = upto - assigned;
            assigned = upto;
            for k in 0..degree {
                let to = match self.target(from, k).filter(|to| *to != from) {
                    Some(to) => to,
                    None => self.fallback(from),
                };
                let flow = self.flow(flows.len(), from, to);
                flows.push(flow);
            }
        }
        flows
    }

    /// Where a flow goes when its shape's choice is not there: a node of the same account
    /// (tries a few times), else any other node.
    fn fallback(&mut self, from: usize) -> usize {
        if let Some(account) = self.account_of[from] {
            for _ in 0..4 {
                let cells = &self.accounts[account].cells;
                if cells.is_empty() {
                    break;
                }
                let c = cells[self.rng.below(cells.len())];
                let to = self.random_in(c);
                if to != from {
                    return to;
                }
            }
        }
        self.any_other(from)
    }

    /// Some node other than `from` (there are at least two nodes).
    fn any_other(&mut self, from: usize) -> usize {
        let n = self.nodes.len();
        let to = self.rng.below(n - 1);
        if to >= from {
            to + 1
        } else {
            to
        }
    }

    fn random_cell(&mut self) -> Option<&Cell> {
        if self.cells.is_empty() {
            return None;
        }
        let c = self.rng.below(self.cells.len());
        Some(&self.cells[c])
    }

    fn random_entry(&mut self) -> Option<usize> {
        self.random_cell().map(|cell| cell.entry)
    }

    /// The entry of one of the account's cells.
    fn account_entry(&mut self, account: usize) -> Option<usize> {
        let cells = &self.accounts[account].cells;
        if cells.is_empty() {
            return None;
        }
        let c = cells[self.rng.below(cells.len())];
        Some(self.cells[c].entry)
    }

    fn random_front_door(&mut self) -> Option<usize> {
        if self.gateways.is_empty() {
            return self.random_entry();
        }
        Some(*self.rng.pick(&self.gateways))
    }

    /// A node in the same cell after position `at`, or anywhere in the cell when `upstream`.
    fn in_cell(&mut self, cell: usize, from: usize, upstream: bool) -> Option<usize> {
        let nodes = &self.cells[cell].nodes;
        let at = nodes.iter().position(|n| *n == from).unwrap_or(0);
        if upstream {
            return (at > 0).then(|| nodes[self.rng.below(at)]);
        }
        if at + 1 >= nodes.len() {
            return None;
        }
        let skip = self.rng.below(nodes.len() - at - 1);
        Some(nodes[at + 1 + skip])
    }

    /// A store or queue in the cell.
    fn storage_in_cell(&mut self, cell: usize) -> Option<usize> {
        let nodes = &self.cells[cell].nodes;
        let start = self.rng.below(nodes.len());
        (0..nodes.len())
            .map(|k| nodes[(start + k) % nodes.len()])
            .find(|n| matches!(self.shapes[*n], Shape::Store | Shape::Queue))
    }

    /// The node a flow from `from` goes to (its `k`-th outgoing flow); `None`: any node.
    fn target(&mut self, from: usize, k: usize) -> Option<usize> {
        let shape = self.shapes[from];
        let cell = self.cell_of[from];
        let account = self.account_of[from];
        let r = self.rng.below(100);
        match shape {
            Shape::Actor => match r {
                0..=69 => self.random_front_door(),
                70..=89 => self.random_entry(),
                // A public upload bucket.
                90..=94 if !self.cells.is_empty() => {
                    let cell = self.rng.below(self.cells.len());
                    self.storage_in_cell(cell)
                }
                _ => account_node(&self.accounts, self.rng.below(self.accounts.len().max(1)))
                    .or_else(|| self.random_entry()),
            },
            Shape::External => match r {
                0..=69 => self.random_front_door(),
                _ => self.random_entry(),
            },
            Shape::Gateway => {
                let cell = cell?;
                match r {
                    0..=4 if !self.actors.is_empty() => Some(*self.rng.pick(&self.actors)),
                    0..=84 => self.in_cell(cell, from, false),
                    85..=94 => {
                        let account = self.cells[cell].account;
                        let cells = &self.accounts[account].cells;
                        let other = cells[self.rng.below(cells.len())];
                        Some(self.cells[other].entry)
                    }
                    _ => account.and_then(|a| self.accounts[a].identity_provider),
                }
            }
            Shape::Service | Shape::Queue => {
                let Some(cell) = cell else {
                    return self.random_entry();
                };
                let account = self.cells[cell].account;
                if k == 0 {
                    // The chain: the next node of the cell, or the entry of the account's next
                    // cell (the last cell leads back to the first: a long cycle).
                    let nodes = &self.cells[cell].nodes;
                    let at = nodes.iter().position(|n| *n == from).unwrap_or(0);
                    return match nodes.get(at + 1) {
                        Some(next) => Some(*next),
                        None => {
                            let cells = &self.accounts[account].cells;
                            let at = cells.iter().position(|c| *c == cell).unwrap_or(0);
                            Some(self.cells[cells[(at + 1) % cells.len()]].entry)
                        }
                    };
                }
                match (shape, r) {
                    (Shape::Service, 0..=29) | (Shape::Queue, 0..=59) => {
                        self.in_cell(cell, from, false)
                    }
                    (Shape::Service, 30..=44) | (Shape::Queue, 60..=69) => {
                        self.storage_in_cell(cell)
                    }
                    (Shape::Service, 45..=56) => self.accounts[account].log_sink,
                    // Other systems: mostly of the same account; other accounts' through
                    // their front door.
                    (_, 57..=63) | (Shape::Queue, 70..=89) => self.account_entry(account),
                    (_, 64..=66) => self.random_front_door(),
                    (Shape::Service, 67..=74) if !self.externals.is_empty() => {
                        Some(*self.rng.pick(&self.externals))
                    }
                    (_, 75..=80) => self.in_cell(cell, from, true),
                    (Shape::Service, 81..=83) => self.accounts[account]
                        .vault
                        .or(self.accounts[account].identity_provider),
                    (Shape::Service, 84..=86) if !self.actors.is_empty() => {
                        Some(*self.rng.pick(&self.actors))
                    }
                    _ => self.in_cell(cell, from, false),
                }
            }
            Shape::Store => {
                let cell = cell?;
                match r {
                    0..=39 => self.in_cell(cell, from, false),
                    40..=69 => self.in_cell(cell, from, true),
                    70..=84 => account.and_then(|a| self.accounts[a].log_sink),
                    _ => account.and_then(|a| self.account_entry(a)),
                }
            }
            // Logs go up a tree: a cell's log sink to its account's, an account's to the
            // central one (the first account's), and from any of them out to log vendors.
            Shape::LogSink => {
                let own = account.and_then(|a| self.accounts[a].log_sink);
                let central = self.accounts.first().and_then(|a| a.log_sink);
                match r {
                    0..=59 if !self.externals.is_empty() => Some(*self.rng.pick(&self.externals)),
                    _ if own != Some(from) && r < 90 => own,
                    _ => central,
                }
            }
            Shape::IdentityProvider | Shape::Vault => {
                let account = account?;
                match r {
                    0..=79 => {
                        let cells = &self.accounts[account].cells;
                        if cells.is_empty() {
                            return None;
                        }
                        let c = cells[self.rng.below(cells.len())];
                        Some(self.random_in(c))
                    }
                    _ => self.accounts[account].log_sink,
                }
            }
        }
    }

    fn random_in(&mut self, cell: usize) -> usize {
        let nodes = &self.cells[cell].nodes;
        nodes[self.rng.below(nodes.len())]
    }

    fn flow(&mut self, index: usize, from: usize, to: usize) -> Flow {
        let (from_shape, to_shape) = (self.shapes[from], self.shapes[to]);
        let account = self.account_of[from].or(self.account_of[to]);
        let protocol = match to_shape {
            Shape::Store | Shape::Vault => *self.rng.pick(&["postgres", "https", "redis", "s3"]),
            Shape::Queue => *self.rng.pick(&["sqs", "kafka", "amqp", "https"]),
            Shape::LogSink => *self.rng.pick(&["https", "syslog", "http"]),
            Shape::External if from_shape == Shape::LogSink => "https",
            Shape::External => *self.rng.pick(&["https", "https", "smtp", "sftp", "http"]),
            _ => *self.rng.pick(&["https", "https", "grpc", "http", "ws"]),
        };
        let data_chance = match from_shape {
            Shape::Actor => 0.8,
            Shape::External => 0.6,
            _ if to_shape == Shape::External => 0.7,
            Shape::Gateway => 0.4,
            Shape::Store | Shape::Vault => 0.3,
            Shape::LogSink => 0.5,
            _ => 0.25,
        };
        let data = if self.rng.chance(data_chance) {
            if from_shape == Shape::LogSink || to_shape == Shape::LogSink {
                let mut data = vec!["telemetry".to_owned()];
                if self.rng.chance(0.2) {
                    data.extend(self.class_list(account, 1));
                    data.dedup();
                }
                data
            } else {
                self.class_list(account, 3)
            }
        } else {
            Vec::new()
        };
        let encrypted = self.rng.chance(if protocol == "http" { 0.3 } else { 0.85 });
        let tls_min = (encrypted && self.rng.chance(0.4)).then(|| match self.rng.below(20) {
            0 => TlsVersion::V1_0,
            1 => TlsVersion::V1_1,
            2..=13 => TlsVersion::V1_2,
            _ => TlsVersion::V1_3,
        });
        // Short names, as people write them; one in ten flows has none (shown as `from → to`).
        let name = if self.rng.chance(0.9) {
            let names: &[&str] = match to_shape {
                Shape::Store => &["write", "read", "query", "store records", "sync"],
                Shape::Vault => &["fetch secrets", "rotate keys"],
                Shape::Queue => &["publish", "enqueue events", "emit"],
                Shape::LogSink => &["logs", "ship logs", "audit events"],
                Shape::External => &["send", "notify", "sync to vendor", "report"],
                Shape::Actor => &["response", "push notification"],
                Shape::IdentityProvider => &["authenticate", "token exchange"],
                _ => &["call", "request", "invoke", "forward", "checkout", "lookup"],
            };
            (*self.rng.pick(names)).to_owned()
        } else {
            String::new()
        };
        Flow {
            id: format!("f-{index}"),
            from: self.nodes[from].id.clone(),
            to: self.nodes[to].id.clone(),
            name,
            protocol: self.rng.chance(0.9).then(|| protocol.to_owned()),
            encrypted,
            tls_min,
            authenticated: self.rng.chance(match from_shape {
                Shape::Actor | Shape::External => 0.6,
                _ => 0.5,
            }),
            monitored: self.rng.chance(0.55),
            data,
            notes: self
                .rng
                .chance(0.03)
                .then(|| "Reviewed in the last architecture review.".to_owned()),
        }
    }

    /// About one waiver per 250 nodes, on flows and nodes, some of them expired.
    fn waivers(&mut self, flows: &[Flow]) -> Vec<Waiver> {
        let rules: Vec<&str> = ["LOG-002", "LOG-001", "ENC-002", "ENC-001", "AUTH-001"]
            .into_iter()
            .filter(|id| crate::rules::find(id).is_some())
            .collect();
        if rules.is_empty() || flows.is_empty() {
            return Vec::new();
        }
        let count = self.nodes.len() / 250 + 1;
        let mut waivers = Vec::with_capacity(count);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..count {
            let rule = *self.rng.pick(&rules);
            let subject = if rule == "LOG-001" {
                self.nodes[self.rng.below(self.nodes.len())].id.clone()
            } else {
                flows[self.rng.below(flows.len())].id.clone()
            };
            if !seen.insert((rule, subject.clone())) {
                continue;
            }
            // Expiring between 2025-07-01 and 2028.
            let expires = Date::from_days_since_epoch(20_270 + self.rng.below(1_000) as i64);
            waivers.push(Waiver {
                rule: rule.to_owned(),
                subject,
                reason: "Compensating control in place; tracked in the risk register.".to_owned(),
                approved_by: (*self.rng.pick(&["CISO", "Head of platform", "DPO"])).to_owned(),
                expires,
            });
        }
        waivers
    }

    /// Positions: cells on a grid (accounts in reading order), actors on the left, externals
    /// on the right; every boundary's rectangle encloses its nodes and children.
    fn layout(&mut self) -> Layout {
        const CELL_W: f64 = 420.0;
        const CELL_H: f64 = 380.0;
        const STEP_X: f64 = 70.0;
        const STEP_Y: f64 = 56.0;
        let per_row = (self.cells.len() as f64).sqrt().ceil().max(1.0) as usize;
        let mut position = vec![Point::default(); self.nodes.len()];
        for (c, cell) in self.cells.iter().enumerate() {
            let (x0, y0) = ((c % per_row) as f64 * CELL_W, (c / per_row) as f64 * CELL_H);
            for (k, n) in cell.nodes.iter().enumerate() {
                position[*n] = Point {
                    x: x0 + 40.0 + (k % 5) as f64 * STEP_X,
                    y: y0 + 40.0 + (k / 5) as f64 * STEP_Y,
                };
            }
        }
        let width = per_row as f64 * CELL_W;
        for (a, account) in self.accounts.iter().enumerate() {
            let first = account.cells.first().map_or(0, |c| *c);
            let y0 = (first / per_row) as f64 * CELL_H;
            for (k, n) in [account.log_sink, account.identity_provider, account.vault]
                .into_iter()
                .flatten()
                .enumerate()
            {
                position[n] = Point {
                    x: (first % per_row) as f64 * CELL_W + 10.0 + k as f64 * STEP_X,
                    y: y0 + 4.0 + (a % 2) as f64 * 8.0,
                };
            }
        }
        for (k, n) in self.actors.iter().enumerate() {
            position[*n] = Point {
                x: -400.0 + (k % 4) as f64 * STEP_X,
                y: (k / 4) as f64 * STEP_Y,
            };
        }
        for (k, n) in self.externals.iter().enumerate() {
            position[*n] = Point {
                x: width + 300.0 + (k % 4) as f64 * STEP_X,
                y: (k / 4) as f64 * STEP_Y,
            };
        }
        // Rectangles, children before parents (a parent is always created first).
        let index: BTreeMap<&str, usize> = self
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect();
        let mut bounds: Vec<Option<(f64, f64, f64, f64)>> = vec![None; self.boundaries.len()];
        let grow = |slot: &mut Option<(f64, f64, f64, f64)>, x0: f64, y0: f64, x1: f64, y1: f64| {
            *slot = Some(match *slot {
                None => (x0, y0, x1, y1),
                Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
            });
        };
        for (n, node) in self.nodes.iter().enumerate() {
            if let Some(b) = node.boundary.as_deref().and_then(|id| index.get(id)) {
                let p = position[n];
                grow(&mut bounds[*b], p.x, p.y, p.x + 48.0, p.y + 32.0);
            }
        }
        let mut rects = BTreeMap::new();
        for b in (0..self.boundaries.len()).rev() {
            let Some((x0, y0, x1, y1)) = bounds[b] else {
                continue;
            };
            let (x0, y0, x1, y1) = (x0 - 12.0, y0 - 12.0, x1 + 12.0, y1 + 12.0);
            rects.insert(
                self.boundaries[b].id.clone(),
                Rect {
                    x: x0,
                    y: y0,
                    w: x1 - x0,
                    h: y1 - y0,
                },
            );
            if let Some(parent) = self.boundaries[b].parent.as_deref() {
                let p = index[parent];
                grow(&mut bounds[p], x0, y0, x1, y1);
            }
        }
        let nodes = self
            .nodes
            .iter()
            .zip(position)
            .map(|(node, p)| (node.id.clone(), p))
            .collect();
        Layout {
            nodes,
            boundaries: rects,
        }
    }
}

/// One of an account's shared nodes (identity provider first), if it has any.
fn account_node(accounts: &[Account], a: usize) -> Option<usize> {
    let account = accounts.get(a)?;
    account.identity_provider.or(account.log_sink)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::{check, load, to_file_json, CheckOptions};

    #[test]
    fn the_same_spec_gives_the_same_model() {
        let spec = GenerateSpec::new(300);
        assert_eq!(generate(&spec), generate(&spec));
        let other = GenerateSpec {
            seed: 2,
            ..spec.clone()
        };
        assert_ne!(generate(&spec), generate(&other));
    }

    #[test]
    fn counts_follow_the_spec() {
        for spec in [
            GenerateSpec::new(1_000),
            GenerateSpec {
                flows_per_node: 2.5,
                custom_classes: 20,
                depth: 5,
                seed: 9,
                ..GenerateSpec::new(777)
            },
        ] {
            let model = generate(&spec);
            assert_eq!(model.nodes.len(), spec.nodes);
            assert_eq!(model.flows.len(), spec.flow_count());
            assert_eq!(model.classes.len(), spec.custom_classes);
            assert_eq!(model.layout.nodes.len(), spec.nodes);
            // Nesting: the deepest boundary has `depth` levels from its account down.
            let parent: BTreeMap<&str, Option<&str>> = model
                .boundaries
                .iter()
                .map(|b| (b.id.as_str(), b.parent.as_deref()))
                .collect();
            let deepest = model
                .boundaries
                .iter()
                .filter(|b| b.kind != BoundaryKind::Region)
                .map(|b| {
                    let mut levels = 0;
                    let mut current = Some(b.id.as_str());
                    while let Some(id) = current {
                        if !id.starts_with("region-") {
                            levels += 1;
                        }
                        current = parent[id];
                    }
                    levels
                })
                .max();
            assert_eq!(deepest, Some(spec.depth));
            // At least 14 classes are used, some of them the model's own.
            let used: BTreeSet<&str> = model
                .flows
                .iter()
                .flat_map(|f| f.data.iter())
                .chain(model.nodes.iter().flat_map(|n| n.holds.iter()))
                .map(String::as_str)
                .collect();
            assert!(used.len() >= 14, "{} classes used", used.len());
            assert!(used
                .iter()
                .any(|c| model.classes.iter().any(|own| own.id == *c)));
        }
    }

    #[test]
    fn a_thousand_nodes_load_and_many_rules_find_something() {
        let model = generate(&GenerateSpec::new(1_000));
        let text = to_file_json(&model);
        let loaded = load(text.as_bytes()).unwrap_or_else(|e| panic!("does not load:\n{e}"));
        assert_eq!(loaded, model);
        let kinds: BTreeSet<NodeKind> = model.nodes.iter().map(|n| n.kind).collect();
        assert_eq!(kinds.len(), NodeKind::ALL.len());
        let report = check(
            &model,
            &CheckOptions {
                today: Some(Date::parse("2026-11-01").unwrap()),
                ..Default::default()
            },
        );
        let rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule).collect();
        let silent: Vec<&str> = crate::REGISTRY
            .iter()
            .map(|r| r.id)
            .filter(|id| !rules.contains(id))
            .collect();
        assert!(
            rules.len() >= 10 && rules.len() * 4 >= crate::REGISTRY.len() * 3,
            "only {} of {} rules find something; silent: {silent:?}",
            rules.len(),
            crate::REGISTRY.len()
        );
        // Nearly every rule has a population to examine.
        let idle: Vec<&str> = report
            .runs
            .iter()
            .filter(|run| run.examined.is_empty())
            .map(|run| run.rule.id)
            .collect();
        assert!(
            idle.len() * 10 <= report.runs.len(),
            "rules that examine nothing: {idle:?}"
        );
    }

    #[test]
    fn tiny_and_odd_specs_still_load() {
        for (nodes, depth, flows_per_node) in [
            (0, 3, 3.0),
            (1, 3, 3.0),
            (2, 0, 3.0),
            (3, 1, 1.0),
            (5, 2, 0.0),
            (12, 4, 3.0),
            (64, 0, 6.0),
            (200, 1, 3.0),
        ] {
            let spec = GenerateSpec {
                nodes,
                depth,
                flows_per_node,
                custom_classes: 200,
                ..GenerateSpec::new(nodes)
            };
            let model = generate(&spec);
            assert_eq!(model.nodes.len(), nodes);
            assert_eq!(model.flows.len(), spec.flow_count());
            let text = to_file_json(&model);
            if let Err(e) = load(text.as_bytes()) {
                panic!("{nodes} nodes, depth {depth}: does not load:\n{e}");
            }
        }
    }
}
