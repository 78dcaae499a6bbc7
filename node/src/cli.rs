//! Command-line interface of `deoss-node`.

/// How a development chain (`--dev`, or any chain spec of type Development)
/// produces blocks. Other chains run Aura and ignore these options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SealingMode {
	/// One block for each transaction that enters the pool, at once.
	Instant,
	/// One block every `--block-time` milliseconds, empty ones too.
	Interval,
	/// Blocks only on the `engine_createBlock` RPC.
	Manual,
}

/// The sealing mode with its parameters, as the service uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
	/// See [`SealingMode::Instant`].
	Instant,
	/// See [`SealingMode::Interval`].
	Interval {
		/// Milliseconds between two blocks.
		block_time_ms: u64,
	},
	/// See [`SealingMode::Manual`].
	Manual,
}

/// Options of the dev chain's block production.
#[derive(Debug, Clone, clap::Args)]
pub struct SealingParams {
	/// How the dev chain seals blocks. `interval` keeps chain time moving (deal
	/// deadlines and challenge windows expire as on a real network); `instant`
	/// answers a transaction at once and suits tests. Every block is final as
	/// soon as it is sealed. `engine_createBlock` works in every mode.
	#[arg(long, value_enum, default_value_t = SealingMode::Interval)]
	pub sealing: SealingMode,

	/// Milliseconds between blocks with `--sealing interval`.
	#[arg(long, default_value_t = deoss_runtime::MILLI_SECS_PER_BLOCK, value_parser = clap::value_parser!(u64).range(50..=600_000))]
	pub block_time: u64,
}

impl SealingParams {
	/// The sealing the service runs.
	pub fn sealing(&self) -> Sealing {
		match self.sealing {
			SealingMode::Instant => Sealing::Instant,
			SealingMode::Interval => Sealing::Interval { block_time_ms: self.block_time },
			SealingMode::Manual => Sealing::Manual,
		}
	}
}

/// `deoss-node`: a node of the DeOSS object storage chain.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub sealing: SealingParams,
}

/// Operator subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert into a keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (kept for older tooling; prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification, plain or raw.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block as a chain specification.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata: best and finalized blocks.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Measure a pallet's benchmarks in the wasm runtime and write its weights.
	#[cfg(feature = "runtime-benchmarks")]
	BenchmarkPallet(crate::benchmark::BenchmarkPalletCmd),
}
