//! The embedded query engine: a DataFusion session over Parquet folders, with a memory pool
//! that spills to disk, driven synchronously.

use std::path::Path;
use std::sync::Arc;

use arrow_array::RecordBatch;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::execution::memory_pool::TrackConsumersPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};

use crate::error::HarnessError;
use crate::memory::CappedPool;

/// Memory the engine's operators may hold before they spill to disk.
pub const MEMORY_POOL_BYTES: usize = 4 << 30;

/// Environment variable that makes [`Engine::sql`] log each query's wall time to stderr.
pub const QUERY_LOG: &str = "TELCOSYNTH_QUERY_LOG";

/// A DataFusion session and the runtime that drives it.
pub struct Engine {
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
}

impl Engine {
    /// A session whose sorts, joins and aggregations spill to the OS temporary folder beyond
    /// [`MEMORY_POOL_BYTES`].
    pub fn new() -> Result<Engine, HarnessError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(HarnessError::io("start", "the query runtime"))?;
        // The tracker names the largest consumers when memory does run out.
        let pool = TrackConsumersPool::new(
            CappedPool::new(MEMORY_POOL_BYTES),
            std::num::NonZeroUsize::new(5).expect("non-zero"),
        );
        let env = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(pool))
            .build_arc()
            .map_err(HarnessError::query("start the query engine"))?;
        let config = SessionConfig::new().with_information_schema(true);
        let ctx = SessionContext::new_with_config_rt(config, env);
        Ok(Engine { runtime, ctx })
    }

    /// The DataFusion session (for UDFs and DataFrame writes).
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Runs a future on the engine's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Registers the Parquet files under `dir` (Hive partition folders included) as `name`.
    pub fn register_parquet(&self, name: &str, dir: &Path) -> Result<(), HarnessError> {
        let path = table_url(dir);
        self.block_on(
            self.ctx
                .register_parquet(name, &path, ParquetReadOptions::default()),
        )
        .map_err(HarnessError::query(format!(
            "register table {name} from {path}"
        )))
    }

    /// Registers the Parquet files `files` (of one schema) as `name`.
    pub fn register_parquet_files(
        &self,
        name: &str,
        files: &[std::path::PathBuf],
    ) -> Result<(), HarnessError> {
        let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let context = format!(
            "register table {name} from {} files ({})",
            paths.len(),
            paths.first().map_or("", String::as_str)
        );
        self.block_on(async {
            let frame = self
                .ctx
                .read_parquet(paths, ParquetReadOptions::default())
                .await?;
            self.ctx.register_table(name, frame.into_view())
        })
        .map(|_| ())
        .map_err(HarnessError::query(context))
    }

    /// Registers a CSV file with a header line as `name`, with the given schema.
    pub fn register_csv(
        &self,
        name: &str,
        file: &Path,
        schema: &arrow_schema::Schema,
    ) -> Result<(), HarnessError> {
        let path = file.display().to_string();
        let options = CsvReadOptions::new().schema(schema).has_header(true);
        self.block_on(self.ctx.register_csv(name, &path, options))
            .map_err(HarnessError::query(format!(
                "register table {name} from {path}"
            )))
    }

    /// Runs one SQL statement and collects its result; `context` names it in errors. With
    /// [`QUERY_LOG`] set in the environment, each query's wall time goes to stderr.
    pub fn sql(&self, context: &str, sql: &str) -> Result<Vec<RecordBatch>, HarnessError> {
        let started = std::time::Instant::now();
        let result = self
            .block_on(async { self.ctx.sql(sql).await?.collect().await })
            .map_err(HarnessError::query(context));
        if std::env::var_os(QUERY_LOG).is_some() {
            eprintln!("query {context}: {:.1} s", started.elapsed().as_secs_f64());
        }
        result
    }
}

impl Engine {
    /// Runs `sql` and writes its result as the single Parquet file `file`.
    pub fn write_parquet(&self, context: &str, sql: &str, file: &Path) -> Result<(), HarnessError> {
        let path = file.display().to_string();
        let options = DataFrameWriteOptions::new().with_single_file_output(true);
        self.block_on(async {
            self.ctx
                .sql(sql)
                .await?
                .write_parquet(&path, options, None)
                .await
        })
        .map(|_| ())
        .map_err(HarnessError::query(context))
    }
}

/// A folder as a DataFusion table path (a trailing slash marks a folder).
fn table_url(dir: &Path) -> String {
    let mut path = dir.display().to_string();
    if dir.is_dir() && !path.ends_with('/') {
        path.push('/');
    }
    path
}
