//! `deoss-node benchmark-pallet`: runs a pallet's `frame_benchmarking`
//! benchmarks inside the wasm runtime, on the genesis state of a chain spec,
//! and writes the pallet's `weights.rs` from the measurements.
//!
//! Each benchmark runs once per step of each component (the other components
//! at their maximum): one run with storage tracking to count database reads
//! and writes, then `--repeat` timed runs. Base and per-component slopes come
//! from a least-squares fit with outliers removed (`Analysis::min_squares_iqr`).
//! Proof size is not measured: this solo chain does not limit it.

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use codec::{Decode, Encode};
use frame_benchmarking::{
	Analysis, BenchmarkBatch, BenchmarkConfig, BenchmarkList, BenchmarkResult, BenchmarkSelector,
};
use frame_support::traits::StorageInfo;
use sc_cli::SubstrateCli;
use sc_client_db::BenchmarkingState;
use sc_executor::WasmExecutor;
use sp_core::{
	offchain::{
		testing::{TestOffchainExt, TestTransactionPoolExt},
		OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
	},
	traits::{CallContext, ReadRuntimeVersionExt},
};
use sp_externalities::Extensions;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::traits::BlakeTwo256;
use sp_state_machine::{backend::BackendRuntimeCode, backend::TryPendingCode, StateMachine};

use crate::cli::Cli;

type HostFunctions =
	(sp_io::SubstrateHostFunctions, frame_benchmarking::benchmarking::HostFunctions);
type Executor = WasmExecutor<HostFunctions>;
type State = BenchmarkingState<BlakeTwo256>;

/// Measure a pallet's benchmarks and write its weights.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchmarkPalletCmd {
	/// Pallet name as in the runtime's benchmark list, e.g. `pallet_storage_space`.
	#[arg(long, required_unless_present = "list")]
	pub pallet: Option<String>,

	/// Chain spec whose genesis state the benchmarks start from.
	#[arg(long, default_value = "dev")]
	pub chain: String,

	/// Values tried for each component, spread evenly over its range.
	#[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..))]
	pub steps: u32,

	/// Timed repetitions at each step.
	#[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
	pub repeat: u32,

	/// Where to write `weights.rs`; printed to stdout when absent.
	#[arg(long)]
	pub output: Option<PathBuf>,

	/// List the runtime's benchmarks and exit.
	#[arg(long)]
	pub list: bool,
}

/// The fitted weight of one benchmark.
struct FittedWeight {
	name: String,
	components: Vec<String>,
	/// Picoseconds: base, then per unit of each component.
	ref_time: (u128, Vec<u128>),
	reads: (u128, Vec<u128>),
	writes: (u128, Vec<u128>),
	/// Storage items the benchmark touched, for the doc comment.
	keys_touched: usize,
}

impl BenchmarkPalletCmd {
	/// Runs the command.
	pub fn run(&self, cli: &Cli) -> sc_cli::Result<()> {
		let spec = cli.load_spec(&self.chain)?;
		let genesis = spec.as_storage_builder().build_storage()?;
		let tracked = State::new(genesis.clone(), None, false, true)?;
		let untracked = State::new(genesis, None, false, false)?;
		let executor = Executor::builder().with_max_runtime_instances(2).build();

		let (lists, _storage_info): (Vec<BenchmarkList>, Vec<StorageInfo>) =
			call(&executor, &untracked, "Benchmark_benchmark_metadata", &false.encode())?;
		if self.list {
			for list in &lists {
				for benchmark in &list.benchmarks {
					println!(
						"{} {}",
						String::from_utf8_lossy(&list.pallet),
						String::from_utf8_lossy(&benchmark.name)
					);
				}
			}
			return Ok(());
		}
		let pallet = self.pallet.as_deref().unwrap_or_default();
		let list = lists
			.iter()
			.find(|list| list.pallet == pallet.as_bytes())
			.ok_or_else(|| format!("the runtime has no benchmarks for `{pallet}`"))?;

		let started = Instant::now();
		let mut fitted = Vec::new();
		for benchmark in &list.benchmarks {
			let name = String::from_utf8_lossy(&benchmark.name).to_string();
			let mut db_results = Vec::new();
			let mut time_results = Vec::new();
			for components in self.component_steps(&benchmark.components) {
				let config = |internal_repeats| BenchmarkConfig {
					pallet: list.pallet.clone(),
					instance: list.instance.clone(),
					benchmark: benchmark.name.clone(),
					selected_components: components.clone(),
					verify: false,
					internal_repeats,
				};
				db_results.extend(dispatch(&executor, &tracked, config(1), &name)?);
				time_results.extend(dispatch(&executor, &untracked, config(self.repeat), &name)?);
			}
			let fit = |results: &Vec<BenchmarkResult>, selector| {
				Analysis::min_squares_iqr(results, selector)
					.map_err(|e| format!("cannot fit a weight for `{name}`: {e}"))
			};
			let time = fit(&time_results, BenchmarkSelector::ExtrinsicTime)?;
			let reads = fit(&db_results, BenchmarkSelector::Reads)?;
			let writes = fit(&db_results, BenchmarkSelector::Writes)?;
			let keys_touched =
				db_results.iter().map(|result| result.keys.len()).max().unwrap_or_default();
			eprintln!(
				"{pallet}::{name}: {:.1} µs{}",
				time.base as f64 / 1e6,
				describe_slopes(&time.names, &time.slopes)
			);
			fitted.push(FittedWeight {
				name,
				components: benchmark
					.components
					.iter()
					.map(|(parameter, _, _)| parameter.to_string())
					.collect(),
				// The analysis scales extrinsic times to picoseconds, as weights count.
				ref_time: (time.base, slopes_in_order(&time, &benchmark.components)),
				reads: (reads.base, slopes_in_order(&reads, &benchmark.components)),
				writes: (writes.base, slopes_in_order(&writes, &benchmark.components)),
				keys_touched,
			});
		}

		let source = render(pallet, self, &fitted, started.elapsed().as_secs());
		match &self.output {
			Some(path) => std::fs::write(path, source)?,
			None => print!("{source}"),
		}
		Ok(())
	}

	/// The component values to run: for each component, `steps` values over
	/// its range with every other component at its maximum.
	fn component_steps(
		&self,
		components: &[(frame_benchmarking::BenchmarkParameter, u32, u32)],
	) -> Vec<Vec<(frame_benchmarking::BenchmarkParameter, u32)>> {
		if components.is_empty() {
			return vec![Vec::new()];
		}
		let mut runs = Vec::new();
		for (index, (_, low, high)) in components.iter().enumerate() {
			for step in 0..self.steps {
				let value = low + (high - low) * step / (self.steps - 1);
				runs.push(
					components
						.iter()
						.enumerate()
						.map(|(other, (parameter, _, other_high))| {
							(*parameter, if other == index { value } else { *other_high })
						})
						.collect(),
				);
			}
		}
		runs
	}
}

/// Slopes ordered like the benchmark's components (the analysis names them).
fn slopes_in_order(
	analysis: &Analysis,
	components: &[(frame_benchmarking::BenchmarkParameter, u32, u32)],
) -> Vec<u128> {
	components
		.iter()
		.map(|(parameter, _, _)| {
			analysis
				.names
				.iter()
				.position(|name| *name == parameter.to_string())
				.and_then(|i| analysis.slopes.get(i))
				.map_or(0, |slope| *slope)
		})
		.collect()
}

fn describe_slopes(names: &[String], slopes: &[u128]) -> String {
	names
		.iter()
		.zip(slopes)
		.map(|(name, slope)| format!(" + {:.3} µs × {name}", *slope as f64 / 1e6))
		.collect()
}

fn extensions(executor: &Executor) -> Extensions {
	let mut extensions = Extensions::default();
	let (offchain, _) = TestOffchainExt::new();
	let (pool, _) = TestTransactionPoolExt::new();
	extensions.register(KeystoreExt::new(MemoryKeystore::new()));
	extensions.register(OffchainWorkerExt::new(offchain.clone()));
	extensions.register(OffchainDbExt::new(offchain));
	extensions.register(TransactionPoolExt::new(pool));
	extensions.register(ReadRuntimeVersionExt::new(executor.clone()));
	extensions
}

/// Calls runtime API `method` on `state` and decodes its answer.
fn call<R: Decode>(
	executor: &Executor,
	state: &State,
	method: &str,
	input: &[u8],
) -> sc_cli::Result<R> {
	let code = BackendRuntimeCode::new(state, TryPendingCode::No);
	let runtime_code = code.runtime_code().map_err(|e| format!("no runtime in genesis: {e}"))?;
	let answer = StateMachine::new(
		state,
		&mut Default::default(),
		executor,
		method,
		input,
		&mut extensions(executor),
		&runtime_code,
		CallContext::Offchain,
	)
	.execute()
	.map_err(|e| format!("runtime call {method} failed: {e}"))?;
	Ok(R::decode(&mut &answer[..]).map_err(|e| format!("cannot decode {method}: {e}"))?)
}

fn dispatch(
	executor: &Executor,
	state: &State,
	config: BenchmarkConfig,
	name: &str,
) -> sc_cli::Result<Vec<BenchmarkResult>> {
	let batches: Result<Vec<BenchmarkBatch>, String> =
		call(executor, state, "Benchmark_dispatch_benchmark", &config.encode())?;
	let batches = batches.map_err(|e| format!("benchmark `{name}` failed: {e}"))?;
	Ok(batches.into_iter().flat_map(|batch| batch.results).collect())
}

/// The `weights.rs` source for `pallet`.
fn render(pallet: &str, cmd: &BenchmarkPalletCmd, weights: &[FittedWeight], secs: u64) -> String {
	let mut out = String::new();
	let _ = writeln!(
		out,
		"//! Weights of `{pallet}`, measured by `deoss-node benchmark-pallet --pallet {pallet} \
		 --steps {} --repeat {}`\n//! in the wasm runtime on the `{}` genesis state ({secs} s of \
		 benchmarking). Regenerate them with\n//! that command (see BENCHMARKS.md) whenever the \
		 pallet's calls change; never edit by hand.\n//!\n//! `ref_time` is in picoseconds; \
		 proof size is not measured: this solo chain does not limit it.\n",
		cmd.steps, cmd.repeat, cmd.chain
	);
	out.push_str(
		"#![cfg_attr(rustfmt, rustfmt_skip)]\n\
		 #![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]\n\n\
		 use core::marker::PhantomData;\n\
		 use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};\n\n",
	);
	let _ = writeln!(out, "/// Weight functions needed by `{pallet}`.\npub trait WeightInfo {{");
	for weight in weights {
		let _ = writeln!(out, "\tfn {}({}) -> Weight;", weight.name, params(weight));
	}
	out.push_str("}\n\n");
	let _ = writeln!(
		out,
		"/// Weights measured on the reference machine, with the runtime's database weights.\n\
		 pub struct SubstrateWeight<T>(PhantomData<T>);\n\
		 impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {{"
	);
	for weight in weights {
		render_fn(&mut out, weight, "T::DbWeight::get()");
	}
	out.push_str("}\n\n/// The same weights with ParityDb database weights, for tests.\nimpl WeightInfo for () {\n");
	for weight in weights {
		render_fn(&mut out, weight, "ParityDbWeight::get()");
	}
	out.push_str("}\n");
	out
}

fn params(weight: &FittedWeight) -> String {
	weight.components.iter().map(|c| format!("{c}: u32")).collect::<Vec<_>>().join(", ")
}

/// Parameters of an implementation: a component no term depends on is `_`-prefixed.
fn impl_params(weight: &FittedWeight) -> String {
	weight
		.components
		.iter()
		.enumerate()
		.map(|(i, c)| {
			let used = [&weight.ref_time.1, &weight.reads.1, &weight.writes.1]
				.iter()
				.any(|slopes| slopes.get(i).is_some_and(|slope| *slope > 0));
			if used {
				format!("{c}: u32")
			} else {
				format!("_{c}: u32")
			}
		})
		.collect::<Vec<_>>()
		.join(", ")
}

fn render_fn(out: &mut String, weight: &FittedWeight, db: &str) {
	let _ = writeln!(
		out,
		"\t/// Storage items touched: {}.\n\tfn {}({}) -> Weight {{\n\t\tWeight::from_parts({}, 0)",
		weight.keys_touched,
		weight.name,
		impl_params(weight),
		weight.ref_time.0
	);
	for (component, slope) in weight.components.iter().zip(&weight.ref_time.1) {
		if *slope > 0 {
			let _ = writeln!(
				out,
				"\t\t\t.saturating_add(Weight::from_parts({slope}, 0).saturating_mul({component}.into()))"
			);
		}
	}
	for (kind, (base, slopes)) in [("reads", &weight.reads), ("writes", &weight.writes)] {
		if *base > 0 {
			let _ = writeln!(out, "\t\t\t.saturating_add({db}.{kind}({base}))");
		}
		for (component, slope) in weight.components.iter().zip(slopes) {
			if *slope > 0 {
				let _ = writeln!(
					out,
					"\t\t\t.saturating_add({db}.{kind}(({slope} as u64).saturating_mul({component}.into())))"
				);
			}
		}
	}
	out.push_str("\t}\n");
}
