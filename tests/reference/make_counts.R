# Expected values for the count (rate) family, computed with R alone (no ivigstats code).
# Rerun from the repository root:  Rscript tests/reference/make_counts.R
# Needs (Debian packages): r-base-core, r-cran-metafor, r-cran-jsonlite, r-cran-epitools.
#
# Sources per pair (see docs/methods/counts.md):
#   rate_ratio/exact_conditional   poisson.test(c(x1, x2), c(t1, t2)) (estimate, conf.int, p.value;
#                                  closed forms, no root finding); it stops on x1 + x2 = 0
#   rate_ratio/wald_log            metafor::escalc("IRR") + summary (add = 1/2, to = "only0")
#   rate_difference/wald           metafor::escalc("IRD", add = 0) + summary (uncorrected)
#   rate_ratio/mid_p               epitools::rateratio.midp (estimate and CI loose: uniroot's
#                                  default tol) and the same mid-p definitions solved with
#                                  uniroot on log(RR), tol 1e-13; P from pbinom tails
#   rate_ratio/score               the score statistic of Gu et al. 2008 solved with uniroot on
#                                  log(RR), tol 1e-13 (no R package here has it)
#   rate/exact                     poisson.test(x, T)$conf.int (Garwood, qgamma)
# The E-test (test/poisson_etest) is in make_counts.py (statsmodels) and, for the cases
# statsmodels' grid cannot hold, in make_counts.py's brute-force double sum.
suppressPackageStartupMessages({library(metafor); library(jsonlite); library(epitools)})

set.seed(19970302)
cases <- list()
add_case <- function(x1, t1, x2, t2, tag) {
  cases[[length(cases) + 1]] <<- list(x1 = x1, t1 = t1, x2 = x2, t2 = t2, tag = tag)
}
add_case(62, 150, 116, 146, "Fazekas 1997 relapses")
edge <- rbind(c(0, 1, 0, 1), c(0, 10, 5, 10), c(5, 10, 0, 10), c(0, 0.5, 0, 1e5), c(1, 0.5, 0, 1e5),
              c(0, 1e5, 1, 0.5), c(1e5, 1e5, 1e5, 1e5), c(1e5, 0.5, 1, 1e5), c(1, 1e5, 1e5, 0.5),
              c(1, 1, 1, 1), c(1, 1, 0, 1), c(0, 1, 1, 1), c(3, 2.5, 3, 2.5), c(10, 7, 10, 7),
              c(50, 100, 100, 200), c(0, 1e5, 1e5, 1e5), c(1e5, 1e5, 0, 1e5), c(2, 1e5, 0, 0.5),
              c(40, 1000, 10, 1000), c(12, 3.5, 31, 1e4), c(700, 1e5, 900, 1e5),
              c(99999, 12345.6, 100000, 54321.5))
for (i in seq_len(nrow(edge))) add_case(edge[i, 1], edge[i, 2], edge[i, 3], edge[i, 4], "edge")
logu <- function(k, lo, hi) 10^runif(k, log10(lo), log10(hi))
draw_counts <- function(k, cmax, tmin, tmax, tag) {
  for (i in seq_len(k)) {
    x <- sample(0:cmax, 2, TRUE); t <- signif(logu(2, tmin, tmax), 6)
    add_case(x[1], t[1], x[2], t[2], tag)
  }
}
draw_counts(200, 20, 0.5, 1e3, "small")
draw_counts(150, 500, 0.5, 1e4, "moderate")
for (i in 1:100) {  # one or both arms without events
  x <- c(0, sample(0:50, 1)); if (i %% 10 == 0) x[2] <- 0
  if (runif(1) < 0.5) x <- rev(x)
  t <- signif(logu(2, 0.5, 1e5), 6)
  add_case(x[1], t[1], x[2], t[2], "zero counts")
}
for (i in 1:100) {  # Poisson draws from a rate per person-time
  t <- signif(logu(2, 0.5, 1e5), 6); rate <- logu(1, 1e-3, 10) * c(1, logu(1, 0.2, 5))
  x <- pmin(1e5, rpois(2, rate * t))
  add_case(x[1], t[1], x[2], t[2], "poisson draws")
}
for (i in 1:50) {
  x <- round(logu(2, 1e3, 1e5)); t <- signif(logu(2, 1e2, 1e5), 6)
  add_case(x[1], t[1], x[2], t[2], "large")
}

alpha <- 0.05
z <- qnorm(1 - alpha / 2)
esc <- function(measure, x1, t1, x2, t2, add = 1/2, exp_scale = TRUE) {
  s <- suppressWarnings(summary(escalc(measure, x1i = x1, t1i = t1, x2i = x2, t2i = t2, add = add)))
  tr <- if (exp_scale) exp else identity
  list(estimate = tr(s$yi[1]), std_error = s$sei[1], conf_low = tr(s$ci.lb[1]),
       conf_high = tr(s$ci.ub[1]), statistic = s$zi[1], p_value = s$pval[1])
}
root <- function(f, target, ctr) {  # f increasing in log(RR); ctr a starting centre
  uniroot(function(l) f(l) - target, ctr + c(-5, 5), tol = 1e-13, extendInt = "upX",
          maxiter = 10000)$root
}
# Conditional binomial: x1 | n ~ Bin(n, pi), pi = RR t1 / (RR t1 + t2), written with plogis so
# that pi keeps its digits near 0 and 1.
pi_of <- function(lrr, t1, t2) plogis(lrr + log(t1) - log(t2))
midp_tight <- function(x1, t1, x2, t2) {
  n <- x1 + x2
  if (n == 0) return(list(estimate = NA, conf_low = 0, conf_high = Inf, p_value = 1))
  up <- function(l) { p <- pi_of(l, t1, t2)
    pbinom(x1, n, p, lower.tail = FALSE) + dbinom(x1, n, p) / 2 }
  dn <- function(l) { p <- pi_of(l, t1, t2); pbinom(x1 - 1, n, p) + dbinom(x1, n, p) / 2 }
  ctr <- log((x1 + 0.5) / t1) - log((x2 + 0.5) / t2)
  p0 <- t1 / (t1 + t2)
  lower0 <- pbinom(x1 - 1, n, p0) + dbinom(x1, n, p0) / 2
  upper0 <- pbinom(x1, n, p0, lower.tail = FALSE) + dbinom(x1, n, p0) / 2
  list(estimate = if (x1 == 0) 0 else if (x2 == 0) Inf else exp(root(up, 0.5, ctr)),
       conf_low = if (x1 == 0) 0 else exp(root(up, alpha / 2, ctr)),
       conf_high = if (x2 == 0) Inf else exp(root(function(l) -dn(l), -alpha / 2, ctr)),
       p_value = min(1, 2 * min(lower0, upper0)))
}
score_tight <- function(x1, t1, x2, t2) {
  n <- x1 + x2
  if (n == 0) return(list(estimate = NA, conf_low = 0, conf_high = Inf, statistic = 0, p_value = 1))
  zf <- function(l) { u <- exp(l) * t1 / t2; (x1 - x2 * u) / sqrt(n * u) }  # decreasing
  ctr <- log((x1 + 0.5) / t1) - log((x2 + 0.5) / t2)
  stat <- zf(0)
  list(estimate = (x1 / t1) / (x2 / t2),
       conf_low = if (x1 == 0) 0 else exp(root(function(l) -zf(l), -z, ctr)),
       conf_high = if (x2 == 0) Inf else exp(root(function(l) -zf(l), z, ctr)),
       statistic = stat, p_value = 2 * pnorm(-abs(stat)))
}
exact <- function(x1, t1, x2, t2) {
  if (x1 + x2 == 0) return(list(error = "poisson.test: 'n' must be a positive integer >= 'x'"))
  pt <- poisson.test(c(x1, x2), c(t1, t2))
  list(estimate = unname(pt$estimate), conf_low = pt$conf.int[1], conf_high = pt$conf.int[2],
       p_value = pt$p.value)
}
rate <- function(x, t) {
  ci <- poisson.test(x, t)$conf.int
  list(estimate = x / t, conf_low = ci[1], conf_high = ci[2])
}
midp_epitools <- function(x1, t1, x2, t2) {
  if (x1 + x2 == 0) return(list(error = "epitools: no events"))
  tryCatch({
    o <- suppressWarnings(rateratio.midp(c(x2, x1), c(t2, t1)))
    list(estimate = o$measure[2, 1], conf_low = o$measure[2, 2], conf_high = o$measure[2, 3],
         p_value = o$p.value[2, 1])
  }, error = function(e) list(error = conditionMessage(e)))
}

out <- lapply(cases, function(cs) {
  x1 <- cs$x1; t1 <- cs$t1; x2 <- cs$x2; t2 <- cs$t2
  res <- list(
    rate_ratio.exact_conditional = exact(x1, t1, x2, t2),
    rate_ratio.wald_log = esc("IRR", x1, t1, x2, t2),
    rate_difference.wald = esc("IRD", x1, t1, x2, t2, add = 0, exp_scale = FALSE),
    rate_ratio.mid_p = midp_tight(x1, t1, x2, t2),
    rate_ratio.mid_p.epitools = midp_epitools(x1, t1, x2, t2),
    rate_ratio.score = score_tight(x1, t1, x2, t2),
    rate.exact.arm1 = rate(x1, t1),
    rate.exact.arm2 = rate(x2, t2))
  list(table = c(x1, t1, x2, t2), tag = cs$tag, expected = res)
})
meta <- list(r_version = R.version.string, metafor = as.character(packageVersion("metafor")),
             epitools = as.character(packageVersion("epitools")), level = 1 - alpha, cases = out)
writeLines(toJSON(meta, auto_unbox = TRUE, digits = NA, na = "string", pretty = FALSE),
           "tests/reference/counts_r.json")
cat(length(out), "cases written to tests/reference/counts_r.json\n")
