//! DeOSS scheduler. The daemon ([`daemon::run`]) registers the scheduler if needed and
//! serves the upload API ([`server`]): it stages the payload of each deal the chain
//! assigned to it ([`staging`]), re-encodes it while it arrives, refuses it unless its
//! FID, size and layout are the declared ones, sends each column to a distinct miner
//! ([`distribute`]) and reports the receipts; staging is removed when the deal ends.

pub mod config;
pub mod daemon;
pub mod distribute;
pub mod server;
pub mod staging;

pub use config::SchedulerConfig;
