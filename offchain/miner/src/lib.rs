//! DeOSS storage miner. The daemon ([`daemon::run`]) registers the miner if needed,
//! serves the fragment API ([`server`]): columns of ASSIGNED deals pushed by their
//! scheduler, every fragment verified against the manifest and the manifest against
//! the FID, a receipt signed once the whole column verified; and fragments served to
//! downloaders. It follows finalized events ([`follower`]) to move columns to
//! permanent storage on `FileStored`, drop them when a deal ends otherwise, drop
//! deleted files, and answer storage challenges ([`agent`]) until their deadline. It
//! restores lost columns of other miners on its own ([`restorer`]).

pub mod agent;
pub mod columns;
pub mod config;
pub mod daemon;
pub mod follower;
pub mod restorer;
pub mod server;

pub use agent::{prove_challenge, prove_samples, AgentReport, MinerAgent};
pub use columns::Columns;
pub use config::MinerConfig;
