# Expected values for the embedded Fazekas 1997 trial, computed with R alone.
# Rerun from the repository root:  Rscript tests/reference/make_fazekas.R
# Needs: r-base-core, r-cran-metafor, r-cran-jsonlite (Debian packages).
suppressPackageStartupMessages({library(metafor); library(jsonlite)})

# t.test needs raw data: build samples with exactly the printed mean and SD.
exact_sample <- function(n, m, s) as.numeric(scale(seq_len(n))) * s + m
welch <- function(m1, s1, n1, m2, s2, n2, var.equal = FALSE) {
  t <- t.test(exact_sample(n1, m1, s1), exact_sample(n2, m2, s2), var.equal = var.equal)
  list(estimate = unname(t$estimate[1] - t$estimate[2]), conf_low = t$conf.int[1],
       conf_high = t$conf.int[2], statistic = unname(t$statistic),
       df = unname(t$parameter), p_value = t$p.value)
}
ord <- rbind(c(23, 40, 12), c(10, 46, 17))
rf <- matrix(c(40, 35, 26, 47), nrow = 2, byrow = TRUE)
chi <- chisq.test(ord, correct = FALSE)
trend <- prop.trend.test(ord[1, ], colSums(ord), score = 1:3)
expanded1 <- rep(1:3, ord[1, ]); expanded2 <- rep(1:3, ord[2, ])
mw <- suppressWarnings(wilcox.test(expanded1, expanded2, exact = FALSE, correct = TRUE))
rr <- summary(escalc("RR", ai = 40, n1i = 75, ci = 26, n2i = 73))
pt <- poisson.test(c(62, 116), c(150, 146))

out <- list(
  edss_change = list(welch = welch(-0.23, 0.89, 75, 0.12, 1.07, 73),
                     student = welch(-0.23, 0.89, 75, 0.12, 1.07, 73, TRUE)),
  edss_final = list(welch = welch(3.09, 1.62, 75, 3.49, 1.83, 73)),
  annual_relapse_rate = list(welch = welch(0.52, 0.85, 75, 1.26, 2.2, 73)),
  disability_category = list(pearson_chi2 = list(statistic = unname(chi$statistic),
                                                 df = unname(chi$parameter), p_value = chi$p.value),
                             linear_trend = list(statistic = unname(trend$statistic), p_value = trend$p.value),
                             mann_whitney = list(p_value = mw$p.value)),
  relapse_free = list(pearson_chi2 = list(statistic = unname(chisq.test(rf, correct = FALSE)$statistic),
                                          p_value = chisq.test(rf, correct = FALSE)$p.value),
                      fisher_exact = list(p_value = fisher.test(rf)$p.value),
                      yates_chi2 = list(p_value = chisq.test(rf, correct = TRUE)$p.value),
                      risk_ratio = list(estimate = exp(rr$yi), conf_low = exp(rr$ci.lb),
                                        conf_high = exp(rr$ci.ub))),
  relapses = list(exact_conditional = list(estimate = unname(pt$estimate), conf_low = pt$conf.int[1],
                                           conf_high = pt$conf.int[2], p_value = pt$p.value)),
  sd_from_ci = list(ivig = sqrt(75) * 0.40 / (2 * qt(0.975, 74)),
                    placebo = sqrt(73) * 0.50 / (2 * qt(0.975, 72)))
)
out$r_version <- R.version.string
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/fazekas_r.json")
