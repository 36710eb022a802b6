# Expected values for the continuous family, computed with R alone (no ivigstats code).
# Rerun from the repository root:  Rscript tests/reference/make_continuous.R
# Needs (Debian packages): r-base-core, r-cran-metafor, r-cran-jsonlite, r-cran-effectsize.
#
# Expected values are keyed "measure.method"; inputs use batch's column names.
# Sources per pair (see docs/methods/continuous.md):
#   mean_difference/welch, /student  t.test(var.equal = FALSE / TRUE) on samples built to have
#                                    exactly the printed mean and SD (scale(1:n) * sd + mean)
#   smd/hedges_g                     metafor::escalc("SMD") + summary()   (vtype "LS")
#   smd/glass_delta                  metafor::escalc("SMD1H") + summary()
#   ratio_of_means/log               metafor::escalc("ROM") + summary()   (positive means only)
#   smd/cohen_d                      effectsize::cohens_d() on the same exact samples (estimate);
#                                    SE and interval from Hedges & Olkin 1985 eq. 5.14 written here
suppressPackageStartupMessages({library(metafor); library(jsonlite); library(effectsize)})

set.seed(19970302)
exact_sample <- function(n, m, s) if (s == 0) rep(m, n) else as.numeric(scale(seq_len(n))) * s + m

cases <- list()
add <- function(m1, s1, n1, m2, s2, n2, tag) {
  cases[[length(cases) + 1]] <<- list(m1 = m1, s1 = s1, n1 = n1, m2 = m2, s2 = s2, n2 = n2, tag = tag)
}
add(-0.23, 0.89, 75, 0.12, 1.07, 73, "Fazekas 1997 EDSS change")
add(0.52, 0.85, 75, 1.26, 2.2, 73, "Fazekas 1997 annual relapse rate")
add(3.09, 1.62, 75, 3.49, 1.83, 73, "Fazekas 1997 final EDSS")
r2 <- function(x) signif(x, 4)
for (i in 1:300) {   # small samples
  add(r2(rnorm(1, 10, 5)), r2(rexp(1, 1/3)), sample(2:20, 1), r2(rnorm(1, 10, 5)), r2(rexp(1, 1/3)),
      sample(2:20, 1), "small")
}
for (i in 1:350) {   # moderate, positive means (ratio of means defined)
  add(r2(runif(1, 0.1, 50)), r2(runif(1, 0.05, 20)), sample(20:500, 1), r2(runif(1, 0.1, 50)),
      r2(runif(1, 0.05, 20)), sample(20:500, 1), "moderate")
}
for (i in 1:120) {   # large samples, small effects
  add(r2(rnorm(1, 100, 1)), r2(runif(1, 5, 15)), sample(1000:50000, 1), r2(rnorm(1, 100, 1)),
      r2(runif(1, 5, 15)), sample(1000:50000, 1), "large")
}
for (i in 1:60) {    # unequal variances and sizes (Welch and Student differ most)
  add(r2(rnorm(1, 5, 2)), r2(runif(1, 0.2, 1)), sample(3:15, 1), r2(rnorm(1, 5, 2)),
      r2(runif(1, 5, 20)), sample(50:300, 1), "heteroscedastic")
}
add(10, 1, 2, 9, 1, 2, "n = 2 per arm")
add(1, 0, 10, 0, 2, 10, "SD 0 in arm 1")
add(2, 1, 10, 1, 0, 10, "SD 0 in arm 2 (control)")
add(6, 1, 200, 0, 1, 200, "P near 1e-200")
add(50, 1, 200, 0, 1, 200, "P below 1e-308")
add(5, 2, 30, 5, 2, 30, "no difference")
add(-3, 2, 30, 4, 1, 30, "negative mean")
add(1, 0.5, 1e6, 1.001, 0.5, 1e6, "n = 10^6")

one <- function(cs) {
  x <- exact_sample(cs$n1, cs$m1, cs$s1); y <- exact_sample(cs$n2, cs$m2, cs$s2)
  out <- list()
  for (eq in c(FALSE, TRUE)) {
    t <- tryCatch(t.test(x, y, var.equal = eq), error = function(e) NULL)
    key <- if (eq) "mean_difference.student" else "mean_difference.welch"
    out[[key]] <- if (is.null(t)) list(error = "t.test failed") else
      list(estimate = cs$m1 - cs$m2, std_error = unname(t$stderr), conf_low = t$conf.int[1],
           conf_high = t$conf.int[2], statistic = unname(t$statistic), df = unname(t$parameter),
           p_value = t$p.value,
           log10_p_value = (log(2) + pt(-abs(unname(t$statistic)), unname(t$parameter),
                                         log.p = TRUE)) / log(10))
  }
  from_escalc <- function(measure, log = FALSE) {
    e <- suppressWarnings(escalc(measure, m1i = cs$m1, sd1i = cs$s1, n1i = cs$n1, m2i = cs$m2,
                                 sd2i = cs$s2, n2i = cs$n2))
    s <- summary(e)
    if (!is.finite(s$yi)) return(list(error = "not estimable"))
    tr <- if (log) exp else identity
    list(estimate = tr(s$yi), std_error = s$sei, conf_low = tr(s$ci.lb), conf_high = tr(s$ci.ub),
         statistic = s$zi, p_value = s$pval,
         log10_p_value = (log(2) + pnorm(-abs(s$zi), log.p = TRUE)) / log(10))
  }
  pooled_ok <- (cs$s1 > 0 || cs$s2 > 0)
  out[["smd.hedges_g"]] <- if (pooled_ok) from_escalc("SMD") else list(error = "pooled SD 0")
  out[["smd.glass_delta"]] <- if (cs$s2 > 0 && cs$n2 >= 3) from_escalc("SMD1H") else list(error = "control SD 0")
  out[["ratio_of_means.log"]] <- if (cs$m1 > 0 && cs$m2 > 0) from_escalc("ROM", log = TRUE) else
    list(error = "non-positive mean")
  if (pooled_ok && cs$n1 + cs$n2 <= 2e5) {
    d <- effectsize::cohens_d(x, y, pooled_sd = TRUE, ci = NULL)$Cohens_d
    se <- sqrt(1 / cs$n1 + 1 / cs$n2 + d^2 / (2 * (cs$n1 + cs$n2)))
    z <- d / se
    out[["smd.cohen_d"]] <- list(estimate = d, std_error = se, conf_low = d - qnorm(0.975) * se,
                        conf_high = d + qnorm(0.975) * se, statistic = z, p_value = 2 * pnorm(-abs(z)),
                        log10_p_value = (log(2) + pnorm(-abs(z), log.p = TRUE)) / log(10))
  }
  out
}

result <- lapply(cases, function(cs) list(mean1 = cs$m1, sd1 = cs$s1, n1 = cs$n1, mean2 = cs$m2,
                                          sd2 = cs$s2, n2 = cs$n2, tag = cs$tag,
                                          expected = one(cs)))
# SD 0 is refused by the trial loader, batch and the immediate commands (SD must be > 0), but
# the core handles it: those cases go to "core_only_cases", which tests/stats reads and batch
# tests do not.
zero_sd <- vapply(result, function(r) r$sd1 == 0 || r$sd2 == 0, logical(1))
writeLines(toJSON(list(r_version = R.version.string,
                       metafor = as.character(packageVersion("metafor")),
                       effectsize = as.character(packageVersion("effectsize")),
                       cases = result[!zero_sd], core_only_cases = result[zero_sd]),
                  auto_unbox = TRUE, digits = NA, na = "string"),
           "tests/reference/continuous_r.json")
cat(length(result), "cases\n")
