# Expected values for the audit behind `ivigstats check`, computed with R alone.
# Rerun from the repository root:  Rscript tests/reference/make_check.R
# Needs: r-base-core, r-cran-jsonlite (Debian packages). Writes tests/reference/check_r.json.
suppressPackageStartupMessages(library(jsonlite))

exact_sample <- function(n, m, s) as.numeric(scale(seq_len(n))) * s + m
t_p <- function(m1, s1, n1, m2, s2, n2, var.equal = FALSE)
  t.test(exact_sample(n1, m1, s1), exact_sample(n2, m2, s2), var.equal = var.equal)$p.value
two_by_two <- function(a, n1, c, n2) matrix(c(a, n1 - a, c, n2 - c), nrow = 2, byrow = TRUE)
binary_ps <- function(a, n1, c, n2) {
  m <- two_by_two(a, n1, c, n2)
  list(pearson_chi2 = chisq.test(m, correct = FALSE)$p.value,
       yates_chi2 = chisq.test(m, correct = TRUE)$p.value,
       fisher_exact = fisher.test(m)$p.value)
}

# The as-printed summary: 75 per arm; SDs only from the CIs (t, 74 df), the placebo CI with
# its sign restored (-0.13 to 0.37).
sd_ci <- function(lo, hi, n) sqrt(n) * (hi - lo) / (2 * qt(0.975, n - 1))
printed_sd1 <- sd_ci(-0.43, -0.03, 75); printed_sd2 <- sd_ci(-0.13, 0.37, 75)
as_printed <- list(
  edss_change = list(sd_ivig = printed_sd1, sd_placebo = printed_sd2,
                     welch = t_p(-0.23, printed_sd1, 75, 0.12, printed_sd2, 75),
                     student = t_p(-0.23, printed_sd1, 75, 0.12, printed_sd2, 75, TRUE)),
  relapse_free = binary_ps(40, 75, 27, 75))   # 53% and 36% of 75: 40 and 27

embedded <- list(
  edss_change = list(welch = t_p(-0.23, 0.89, 75, 0.12, 1.07, 73),
                     student = t_p(-0.23, 0.89, 75, 0.12, 1.07, 73, TRUE)),
  disability_category = list(pearson_chi2 = chisq.test(rbind(c(23, 40, 12), c(10, 46, 17)),
                                                       correct = FALSE)$p.value),
  relapse_free = binary_ps(40, 75, 26, 73))

# Cochrane Handbook 6.5.2.3: SD implied by a t-test P and the mean difference, via R's qt.
grid <- expand.grid(md = c(0.35, -3.8, 12.5), p = c(0.0001, 0.008, 0.03, 0.2, 0.75),
                    n1 = c(5, 25, 75), n2 = c(4, 22, 73))
grid$t <- qt(1 - grid$p / 2, grid$n1 + grid$n2 - 2)
grid$se <- abs(grid$md) / grid$t
grid$sd <- grid$se / sqrt(1 / grid$n1 + 1 / grid$n2)

# Cochrane Handbook 6.5.2.3: SD implied by a t interval of a mean difference, via R's qt.
dci <- expand.grid(lo = c(-0.67, 1.2), hi = c(2.5, 7.75), n1 = c(6, 75), n2 = c(5, 73),
                   level = c(0.9, 0.95))
dci$se <- (dci$hi - dci$lo) / (2 * qt(1 - (1 - dci$level) / 2, dci$n1 + dci$n2 - 2))
dci$sd <- dci$se / sqrt(1 / dci$n1 + 1 / dci$n2)

# P range over counts consistent with printed percentages: 53% of 150 vs 36% of 146
# (36% of 146 is 52 or 53; 53% of 150 is 79 or 80). R's round() is half-even, so the
# candidates are found from the exact interval [p - 0.5, p + 0.5] instead.
candidates <- function(pct, n) { k <- 0:n; k[abs(100 * k / n - pct) <= 0.5 + 1e-9] }
combos <- expand.grid(a = candidates(53, 150), c = candidates(36, 146))
combos$pearson <- mapply(function(a, c) chisq.test(two_by_two(a, 150, c, 146), correct = FALSE)$p.value,
                         combos$a, combos$c)
combos$fisher <- mapply(function(a, c) fisher.test(two_by_two(a, 150, c, 146))$p.value,
                        combos$a, combos$c)

out <- list(as_printed = as_printed, embedded = embedded,
            sd_from_p = grid, sd_from_difference_ci = dci, percent_range = list(combos = combos,
              pearson = range(combos$pearson), fisher = range(combos$fisher)),
            r_version = R.version.string)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/check_r.json")
