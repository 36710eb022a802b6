# Expected values for issue 6 (conversions, fragility, overdispersion, Bayes, cost), from R
# alone (no ivigstats code). Rerun from the repository root:
#   Rscript tests/reference/make_sensitivity.R
# Needs (Debian packages): r-base-core, r-cran-jsonlite, r-cran-metafor (MASS ships with R).
#
# Sources:
#   fragility        fisher.test / chisq.test(correct = FALSE) in a loop over added events,
#                    exactly as Walsh et al. 2014 define the index (no fragility package is
#                    packaged for Debian); reverse index by the same loop in the widening direction
#   overdispersion   glm(family = quasipoisson) and MASS::glm.nb on simulated patient-level
#                    counts (equal follow-up): coefficient, SE, dispersion, theta
#   bayes            conjugate normal in closed form (qnorm/pnorm), and the posterior
#                    probabilities again by numerical integration of prior x likelihood
#   cost             metafor::escalc("IRD") and Newcombe limits from prop.test, divided out
#   conversions      qt/qnorm (Cochrane Handbook 6.5.2.2-6.5.2.3); the median/IQR/range
#                    estimators written out from the papers (metafor 3.8-1 here has no
#                    conv.fivenum; it arrived in metafor 4.0)
suppressPackageStartupMessages({library(jsonlite); library(MASS)})
set.seed(20140622)
out <- list()

# ------------------------------------------------------------------------------ fragility
p_test <- function(a, n1, c, n2, test) {
  if (test == "fisher") return(fisher.test(matrix(c(a, n1 - a, c, n2 - c), 2))$p.value)
  m1 <- a + c; m0 <- n1 + n2 - m1
  if (m1 == 0 || m0 == 0) return(1)  # no evidence; chisq.test gives NaN
  suppressWarnings(chisq.test(matrix(c(a, n1 - a, c, n2 - c), 2), correct = FALSE)$p.value)
}
first_k <- function(a, n, b, nb, step, limit, test, alpha, want_sig, swap) {
  if (limit < 1) return(NA)
  for (k in seq_len(limit)) {
    p <- if (swap) p_test(b, nb, a + step * k, n, test) else p_test(a + step * k, n, b, nb, test)
    if ((want_sig && p < alpha) || (!want_sig && p >= alpha)) return(k)
  }
  NA
}
walsh <- function(a, n1, c, n2, test, alpha = 0.05) {
  p0 <- p_test(a, n1, c, n2, test)
  if (p0 >= alpha) return(list(p = p0, fi = 0))
  one <- first_k(a, n1, c, n2, 1, n1 - a, test, alpha, FALSE, FALSE)
  two <- first_k(c, n2, a, n1, 1, n2 - c, test, alpha, FALSE, TRUE)
  fi <- if (a < c) one else if (c < a) two else suppressWarnings(min(one, two, na.rm = TRUE))
  if (is.infinite(fi)) fi <- NA
  list(p = p0, fi = fi)
}
reverse <- function(a, n1, c, n2, test, alpha = 0.05) {
  p0 <- p_test(a, n1, c, n2, test)
  if (p0 < alpha) return(list(p = p0, rfi = 0))
  lower1 <- a * n2 <= c * n1
  k1 <- if (lower1) first_k(a, n1, c, n2, -1, a, test, alpha, TRUE, FALSE) else
    first_k(a, n1, c, n2, 1, n1 - a, test, alpha, TRUE, FALSE)
  k2 <- if (lower1) first_k(c, n2, a, n1, 1, n2 - c, test, alpha, TRUE, TRUE) else
    first_k(c, n2, a, n1, -1, c, test, alpha, TRUE, TRUE)
  r <- suppressWarnings(min(k1, k2, na.rm = TRUE))
  list(p = p0, rfi = if (is.infinite(r)) NA else r)
}
tables <- list(c(40, 75, 26, 73), c(10, 100, 25, 100), c(15, 100, 25, 100), c(0, 10, 10, 10),
               c(0, 20, 8, 20), c(5, 5, 0, 5), c(1, 1000, 20, 1000), c(3, 3, 3, 3),
               c(0, 1, 0, 1), c(12, 12, 2, 30), c(30, 60, 30, 60), c(44, 124, 57, 125))
for (i in 1:70) {
  n <- sample(c(5:60, 61:400), 2)
  p <- runif(2, 0, 1)
  tables[[length(tables) + 1]] <- c(rbinom(1, n[1], p[1]), n[1], rbinom(1, n[2], p[2]), n[2])
}
frag <- lapply(tables, function(t) {
  res <- list(table = t)
  for (test in c("fisher", "chi2")) {
    w <- walsh(t[1], t[2], t[3], t[4], test)
    r <- reverse(t[1], t[2], t[3], t[4], test)
    res[[test]] <- list(p_value = w$p, fragility_index = w$fi, reverse_fragility_index = r$rfi)
  }
  res
})
out$fragility <- frag

# ------------------------------------------------------------------------- overdispersion
od <- list()
for (i in 1:30) {
  n <- sample(20:200, 2); years <- sample(c(1, 2, 3), 1)
  mu <- runif(2, 0.2, 2) * years; theta <- runif(1, 0.3, 5)
  y1 <- rnbinom(n[1], size = theta, mu = mu[1]); y2 <- rnbinom(n[2], size = theta, mu = mu[2])
  if (sum(y1) == 0 || sum(y2) == 0) next
  d <- data.frame(y = c(y1, y2), t = years,
                  arm = relevel(factor(rep(c("e", "c"), c(n[1], n[2]))), ref = "c"))
  tight <- glm.control(epsilon = 1e-14, maxit = 200)  # default 1e-8 leaves ~1e-5 in phi
  qp <- glm(y ~ arm + offset(log(t)), family = quasipoisson, data = d, control = tight)
  s <- summary(qp)
  nb <- suppressWarnings(glm.nb(y ~ arm + offset(log(t)), data = d, control = tight))
  est <- coef(qp)[["arme"]]; se <- s$coefficients["arme", "Std. Error"]
  phi <- s$dispersion
  r1 <- y1 / years; r2 <- y2 / years
  od[[length(od) + 1]] <- list(
    events1 = sum(y1), time1 = n[1] * years, events2 = sum(y2), time2 = n[2] * years,
    n1 = n[1], n2 = n[2], years = years,
    rate_mean1 = mean(r1), rate_sd1 = sd(r1), rate_mean2 = mean(r2), rate_sd2 = sd(r2),
    quasi_poisson = list(phi = phi, estimate = exp(est), std_error = se,
                         conf_low = exp(est - qnorm(0.975) * se),
                         conf_high = exp(est + qnorm(0.975) * se),
                         p_value_z = 2 * pnorm(-abs(est / se))),
    negative_binomial = list(theta = nb$theta, estimate = exp(coef(nb)[["arme"]]),
                             std_error = summary(nb)$coefficients["arme", "Std. Error"],
                             p_value = summary(nb)$coefficients["arme", "Pr(>|z|)"]))
}
out$overdispersion <- od

# ---------------------------------------------------------------------------------- bayes
bayes <- list()
grid <- expand.grid(y = c(-0.9, -0.3, 0, 0.2, 1.1), se = c(0.05, 0.2, 0.6),
                    m0 = c(0, -0.29, 0.4), s0 = c(0.1, 0.5, 3))
for (i in seq_len(nrow(grid))) {
  g <- grid[i, ]
  w <- 1 / g$se^2 + 1 / g$s0^2
  pm <- (g$y / g$se^2 + g$m0 / g$s0^2) / w; ps <- sqrt(1 / w)
  # prior x likelihood integrated numerically (pieces split at the posterior mode, over
  # +-12 posterior SDs: beyond, the mass is < 1e-32), normalised by its own total
  post <- function(x) dnorm(x, g$m0, g$s0) * dnorm(g$y, x, g$se)
  lo <- pm - 12 * ps; hi <- pm + 12 * ps
  area <- function(a, b) {
    if (b <= a) return(0)
    cuts <- sort(unique(c(a, b, if (pm > a && pm < b) pm)))
    sum(sapply(seq_len(length(cuts) - 1), function(j)
      integrate(post, cuts[j], cuts[j + 1], rel.tol = 1e-12, abs.tol = 0)$value))
  }
  z <- area(lo, hi)
  below0 <- area(lo, min(max(0, lo), hi)) / z
  below_mid <- area(lo, min(max(log(0.9), lo), hi)) / z
  bayes[[i]] <- list(y = g$y, se = g$se, m0 = g$m0, s0 = g$s0, mean = pm, sd = ps,
                     low = pm - qnorm(0.975) * ps, high = pm + qnorm(0.975) * ps,
                     p_below0 = pnorm(0, pm, ps), p_below_log09 = pnorm(log(0.9), pm, ps),
                     p_below0_integrated = below0, p_below_log09_integrated = below_mid)
}
out$bayes <- bayes

# ---------------------------------------------------------------------------- conversions
conv <- list()
for (i in 1:40) {
  n1 <- sample(3:300, 1); n2 <- sample(3:300, 1); est <- runif(1, -5, 5)
  p <- 10^runif(1, -6, -0.05); t <- runif(1, 0.2, 6); se <- runif(1, 0.01, 3)
  level <- sample(c(0.9, 0.95, 0.99), 1)
  ci <- sort(runif(2, -5, 5))
  q_one_t <- qt(1 - p / 2, n1 - 1); q_diff_t <- qt(1 - p / 2, n1 + n2 - 2); q_z <- qnorm(1 - p / 2)
  conv[[i]] <- list(
    n1 = n1, n2 = n2, estimate = est, p = p, t = t, se = se, level = level, low = ci[1],
    high = ci[2],
    sd_from_t_one = abs(est) / t * sqrt(n1),
    sd_from_t_diff = abs(est) / t / sqrt(1 / n1 + 1 / n2),
    sd_from_p_one_t = abs(est) / q_one_t * sqrt(n1),
    sd_from_p_diff_t = abs(est) / q_diff_t / sqrt(1 / n1 + 1 / n2),
    sd_from_p_diff_z = abs(est) / q_z / sqrt(1 / n1 + 1 / n2),
    sd_from_se_diff = se / sqrt(1 / n1 + 1 / n2),
    sd_from_ci_diff_t = (ci[2] - ci[1]) / (2 * qt(1 - (1 - level) / 2, n1 + n2 - 2)) /
      sqrt(1 / n1 + 1 / n2),
    sd_from_ci_diff_z = (ci[2] - ci[1]) / (2 * qnorm(1 - (1 - level) / 2)) / sqrt(1 / n1 + 1 / n2))
}
out$conversions <- conv

# Wan et al. (2014) divide the range by the expected range of n standard normals and the IQR
# by the expected IQR: exact values (their Tables 1 and 2) for n <= 50 and for n = 4Q + 1 up to
# Q = 50, Blom-type approximations (their eqs 9 and 16) beyond. For n not of the form 4Q + 1
# the R package meta takes Q = ceiling((n - 1) / 4); so do we. The exact values come from
# integrate() over the order-statistic density. Shi et al. (2020) use the approximations at
# every n (as metafor's conv.fivenum and meta do).
order_stat_mean <- function(k, n) integrate(function(x) x * exp(lgamma(n + 1) - lgamma(k) -
  lgamma(n - k + 1) + (k - 1) * pnorm(x, log.p = TRUE) +
  (n - k) * pnorm(x, lower.tail = FALSE, log.p = TRUE) + dnorm(x, log = TRUE)),
  -Inf, Inf, rel.tol = 1e-12)$value
xi_wan <- function(n) if (n <= 50) 2 * order_stat_mean(n, n) else
  2 * qnorm((n - 0.375) / (n + 0.25))
eta_wan <- function(n) {
  q <- ceiling((n - 1) / 4)
  if (q <= 50) 2 * order_stat_mean(3 * q + 1, 4 * q + 1) else
    2 * qnorm((0.75 * n - 0.125) / (n + 0.25))
}

# Quantile estimators written out from the papers (Wan 2014 eqs 2/7/10/13/14/16, Luo 2018
# eqs 7/11/15, Shi 2020 eq 10), evaluated on samples drawn here.
quant <- list()
for (i in 1:40) {
  n <- sample(c(5:50, 51:2000), 1)
  x <- sort(rlnorm(n, runif(1, 0, 3), runif(1, 0.1, 1)))
  q <- unname(quantile(x, c(0.25, 0.5, 0.75), type = 7))
  a <- x[1]; b <- x[n]; q1 <- q[1]; m <- q[2]; q3 <- q[3]
  xi_b <- 2 * qnorm((n - 0.375) / (n + 0.25)); eta_b <- 2 * qnorm((0.75 * n - 0.125) / (n + 0.25))
  xi <- xi_wan(n); eta <- eta_wan(n)
  w1 <- 4 / (4 + n^0.75); w2 <- 0.7 + 0.39 / n
  v1 <- 2.2 / (2.2 + n^0.75); v2 <- 0.7 - 0.72 / n^0.55; ws <- 1 / (1 + 0.07 * n^0.6)
  quant[[i]] <- list(
    n = n, min = a, q1 = q1, median = m, q3 = q3, max = b,
    luo_range = w1 * (a + b) / 2 + (1 - w1) * m,
    luo_iqr = w2 * (q1 + q3) / 2 + (1 - w2) * m,
    luo_five = v1 * (a + b) / 2 + v2 * (q1 + q3) / 2 + (1 - v1 - v2) * m,
    wan_mean_range = (a + 2 * m + b) / 4, wan_mean_iqr = (q1 + m + q3) / 3,
    wan_mean_five = (a + 2 * q1 + 2 * m + 2 * q3 + b) / 8,
    wan_sd_range = (b - a) / xi, wan_sd_iqr = (q3 - q1) / eta,
    wan_sd_five = ((b - a) / xi + (q3 - q1) / eta) / 2,
    shi_sd_five = ws * (b - a) / xi_b + (1 - ws) * (q3 - q1) / eta_b)
}
out$quantiles <- quant

# ----------------------------------------------------------------------------------- cost
# Count outcomes: metafor::escalc("IRD") rate difference with its Wald interval; binary
# outcomes: Newcombe's hybrid score interval from prop.test(correct = FALSE) Wilson limits.
# Benefit is fewer events (counts) or more patients with the outcome (binary).
suppressPackageStartupMessages(library(metafor))
cost <- list()
count_cases <- rbind(c(62, 150, 116, 146), c(30, 200, 45, 190), c(10, 50, 12, 55),
                     c(200, 1000, 260, 990), c(5, 80, 20, 80))
for (i in seq_len(nrow(count_cases))) {
  x <- count_cases[i, ]; c1 <- runif(1, 1000, 20000); c2 <- runif(1, 0, 1000)
  es <- escalc("IRD", x1i = x[1], t1i = x[2], x2i = x[3], t2i = x[4])
  avoided <- -es$yi; half <- qnorm(0.975) * sqrt(es$vi)
  lo <- avoided - half; hi <- avoided + half
  cost[[length(cost) + 1]] <- list(kind = "count", events1 = x[1], time1 = x[2],
    events2 = x[3], time2 = x[4], cost1 = c1, cost2 = c2, years = 1,
    effect = avoided, effect_low = lo, effect_high = hi,
    estimate = (c1 - c2) / avoided, conf_low = (c1 - c2) / hi,
    conf_high = if (lo > 0) (c1 - c2) / lo else "Inf")  # jsonlite writes Inf as null
}
binary_cases <- rbind(c(40, 75, 26, 73), c(60, 100, 40, 100), c(30, 50, 28, 50))
for (i in seq_len(nrow(binary_cases))) {
  x <- binary_cases[i, ]; c1 <- runif(1, 1000, 20000); c2 <- runif(1, 0, 1000); yrs <- 2
  p1 <- x[1] / x[2]; p2 <- x[3] / x[4]
  w1 <- prop.test(x[1], x[2], correct = FALSE)$conf.int
  w2 <- prop.test(x[3], x[4], correct = FALSE)$conf.int
  d <- p1 - p2
  lo <- d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2); hi <- d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)
  cost[[length(cost) + 1]] <- list(kind = "binary", events1 = x[1], n1 = x[2],
    events2 = x[3], n2 = x[4], cost1 = c1, cost2 = c2, years = yrs,
    effect = d, effect_low = lo, effect_high = hi,
    estimate = (c1 - c2) * yrs / d, conf_low = (c1 - c2) * yrs / hi,
    conf_high = if (lo > 0) (c1 - c2) * yrs / lo else "Inf")
}
out$cost <- cost

# Small and boundary sample sizes, where Wan's exact tables apply (no random numbers here, so
# the sections above keep their values): a fixed skewed five-number summary per n.
small <- list()
for (n in c(2:60, 197:206, 4 * (1:50) + 1)) {
  a <- 1; q1 <- 3 + 1 / n; m <- 4; q3 <- 6 - 1 / n; b <- 12 + n / 10
  xi <- xi_wan(n); eta <- eta_wan(n)
  small[[length(small) + 1]] <- list(n = n, min = a, q1 = q1, median = m, q3 = q3, max = b,
    xi = xi, eta = eta, wan_sd_range = (b - a) / xi, wan_sd_iqr = (q3 - q1) / eta,
    wan_sd_five = ((b - a) / xi + (q3 - q1) / eta) / 2)
}
out$quantiles_small <- small

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = FALSE),
           "tests/reference/sensitivity_r.json")
cat("wrote tests/reference/sensitivity_r.json:", length(frag), "fragility tables,",
    length(od), "overdispersion fits,", length(bayes), "Bayes cases,", length(conv),
    "conversions,", length(quant), "+", length(small), "quantile summaries,", length(cost), "cost cases\n")
