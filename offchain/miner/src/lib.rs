//! DeOSS storage miner, audit side: reads the chain's challenges for the miner's
//! account, proves every sample from the fragments it keeps on disk
//! ([`deoss_pipeline::DiskStore`]) with [`deoss_pipeline::Prover`], and submits the
//! proofs; also what a restoring miner needs to prove a rebuilt column.
//!
//! [`chain`] holds the chain access (metadata only, no generated code), [`agent`] the
//! background task; the `deoss-miner` binary runs one agent until stopped.

pub mod agent;
pub mod chain;

pub use agent::{prove_challenge, prove_samples, AgentReport, MinerAgent};

/// The subxt client: every runtime type comes from the node's metadata.
pub type Client = subxt::OnlineClient<subxt::SubstrateConfig>;
