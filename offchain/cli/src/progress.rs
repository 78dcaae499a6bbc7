//! Progress on stderr: one bar per upload or download when stderr is a terminal,
//! nothing with `-q`, `--json` or no terminal.

use std::io::IsTerminal;

use deoss_client::Stage;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where bars are drawn.
#[derive(Clone)]
pub struct Progress {
	bars: Option<MultiProgress>,
}

impl Progress {
	/// Bars on stderr unless `quiet` or stderr is no terminal.
	pub fn new(quiet: bool) -> Self {
		let shown = !quiet && std::io::stderr().is_terminal();
		Self::with_target(shown.then(ProgressDrawTarget::stderr))
	}

	/// Bars drawn to `target` (tests draw into memory), or none.
	pub fn with_target(target: Option<ProgressDrawTarget>) -> Self {
		Self { bars: target.map(MultiProgress::with_draw_target) }
	}

	/// A bar for one object; hidden when progress is off.
	pub fn object(&self, name: &str, total: Option<u64>) -> ProgressBar {
		let Some(bars) = &self.bars else { return ProgressBar::hidden() };
		let bar = bars.add(ProgressBar::new(total.unwrap_or(0)));
		bar.set_style(
			ProgressStyle::with_template(
				"{prefix:.bold} {msg:12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
			)
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
		);
		bar.set_prefix(name.to_string());
		bar
	}

	/// The callback a put reports its stages to, drawn on `bar`.
	pub fn put_stages(bar: ProgressBar) -> impl Fn(Stage) + Send + Sync + 'static {
		move |stage| match stage {
			Stage::Encoding { done, total } => {
				bar.set_message("encoding");
				if let Some(total) = total {
					bar.set_length(total);
				}
				bar.set_position(done);
			}
			Stage::Declared { .. } => bar.set_message("declared"),
			Stage::Uploading { sent, total } => {
				bar.set_message("uploading");
				bar.set_length(total);
				bar.set_position(sent);
			}
			Stage::Storing => bar.set_message("storing"),
			Stage::Stored => bar.finish_with_message("stored"),
		}
	}
}
