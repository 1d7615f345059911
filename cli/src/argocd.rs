//! The flags that say which Argo CD the answers are for: `--argocd-version` (its set of
//! built-in checks) and `--argocd-builtins DIR` (its own resource_customizations scripts).

use anyhow::{anyhow, Context, Result};
use mas_health::argocd::builtin::{ArgoCd, ArgoVersion};
use mas_health::argocd::harness::BuiltinDir;
use mas_health::Catalog;
use std::path::PathBuf;
use std::sync::Arc;

/// Which Argo CD's built-in checks answer the kinds our rules leave out.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ArgoCdArgs {
    /// The Argo CD version whose built-in checks apply: 3.0 to 3.5, or main (default: the
    /// newest release, 3.5). Patch numbers are accepted (3.4.7).
    #[arg(long, value_name = "X.Y")]
    pub argocd_version: Option<String>,
    /// The resource_customizations folder of your Argo CD's source at the tag you run (the
    /// argocd binary embeds it): its health.lua scripts then answer as your Argo CD's built-ins,
    /// run with open libraries and the 1 s budget.
    #[arg(long, value_name = "DIR")]
    pub argocd_builtins: Option<PathBuf>,
}

impl ArgoCdArgs {
    /// The Argo CD these flags name.
    pub fn argocd(&self) -> Result<ArgoCd> {
        let version = match &self.argocd_version {
            Some(v) => ArgoVersion::parse(v).map_err(|e| anyhow!("--argocd-version: {e}"))?,
            None => ArgoVersion::NEWEST_RELEASE,
        };
        let argocd = ArgoCd::version(version);
        let Some(dir) = &self.argocd_builtins else {
            return Ok(argocd);
        };
        let scripts = BuiltinDir::open(dir)
            .with_context(|| format!("--argocd-builtins {}", dir.display()))?;
        if scripts.is_empty() {
            return Err(anyhow!(
                "--argocd-builtins {}: no <group>/<Kind>/health.lua below it (give Argo CD's \
                 resource_customizations folder)",
                dir.display()
            ));
        }
        Ok(argocd.with_scripts(Arc::new(scripts)))
    }

    /// `catalog` installed into the Argo CD these flags name.
    pub fn catalog(&self, catalog: Catalog) -> Result<Catalog> {
        Ok(catalog.in_argocd(self.argocd()?))
    }
}
