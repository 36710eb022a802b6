# Two-sided t P values beyond the double range, as log P, from R alone (no ivigstats code).
# Rerun from the repository root:  Rscript tests/reference/make_tails.R
# Needs (Debian packages): r-base-core, r-cran-jsonlite.
#
# For each df and target log P (all below log 2.2e-308 = -708.4), uniroot finds the |t| with
# log(2) + pt(-|t|, df, log.p = TRUE) = target; the fixture records that t and R's log P.
suppressPackageStartupMessages(library(jsonlite))
cases <- list()
for (d in c(1, 2, 3, 5, 10, 30, 100, 300, 1000, 1e4, 1e5, 1e6, 1e8)) {
  for (target in c(-710, -750, -800, -1000, -3000, -1e4, -1e5)) {
    f <- function(lt) pt(-exp(lt), d, log.p = TRUE) + log(2) - target
    root <- tryCatch(uniroot(f, c(0, log(1e300)), tol = 1e-12)$root, error = function(e) NA)
    if (is.na(root)) next  # beyond t = 1e300 for this df
    t <- exp(root)
    cases[[length(cases) + 1]] <- list(df = d, t = t,
                                       log_p = log(2) + pt(-t, d, log.p = TRUE))
  }
}
writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, pretty = FALSE),
           "tests/reference/tails_r.json")
cat("wrote tests/reference/tails_r.json:", length(cases), "cases\n")
