# Expected values for pooling (ivigstats.stats.pooling) and the Bucher worked example, computed
# with R's metafor alone (no ivigstats code).
# Rerun from the repository root:  Rscript tests/reference/make_pool.R   (writes pool_r.json)
# Needs (Debian packages): r-base-core, r-cran-metafor, r-cran-jsonlite.
#
# Per meta-analysis (36 random sets + metafor's dat.bcg as RR, OR and RD):
#   (predict() of an FE model has no prediction interval: NA; our FE rows give the CI)
#   rma(yi, vi, method = "FE"; "DL" or "REML" with test = "z" | "knha")  estimate, se, CI, z/t, P,
#       tau2, I2, H2, QE, QEp; predict() prediction interval
#   confint(rma(..., method = "DL"))  Q-profile CI of tau2 and I2 (Viechtbauer 2007)
#   rma.mh(measure = "RR" | "OR" | "RD")  Mantel-Haenszel estimate, se, CI, P and its Q
# Tolerances: metafor's defaults stop REML at |change in tau2| < 1e-5 and the Q-profile root at
# uniroot's tol = .Machine$double.eps^0.25 (~1.2e-4), looser than the tests' 1e-6, so this
# script tightens both (threshold = 1e-12, maxiter = 10000; tol = 1e-12). The estimators and
# intervals are unchanged; only the iterations run to convergence.
suppressPackageStartupMessages({library(metafor); library(jsonlite)})

set.seed(19930401)
tight <- list(threshold = 1e-12, maxiter = 10000)
sets <- list()

fit_all <- function(yi, vi) {
  out <- list()
  for (mt in c("FE_z", "DL_z", "DL_knha", "REML_z", "REML_knha")) {
    m <- sub("_.*", "", mt); test <- sub(".*_", "", mt)
    # where plain Fisher scoring oscillates (metafor: "did not converge"), its documented
    # remedy, halved steps (stepadj = 0.5)
    f <- tryCatch(rma(yi = yi, vi = vi, method = m, test = test, control = tight),
                  error = function(e) rma(yi = yi, vi = vi, method = m, test = test,
                                          control = c(tight, stepadj = 0.5)))
    p <- predict(f)
    out[[mt]] <- list(
      estimate = f$b[1], se = f$se, ci_lb = f$ci.lb, ci_ub = f$ci.ub, zval = f$zval,
      pval = f$pval, tau2 = f$tau2, I2 = f$I2, H2 = f$H2, QE = f$QE, QEp = f$QEp,
      pi_lb = if (is.null(p$pi.lb)) NA else p$pi.lb,
      pi_ub = if (is.null(p$pi.ub)) NA else p$pi.ub, weights = unname(weights(f)))
  }
  dl <- rma(yi = yi, vi = vi, method = "DL")
  ci <- confint(dl, control = list(tol = 1e-12, tau2.max = 1e4))$random
  out$confint <- list(tau2_lb = ci["tau^2", "ci.lb"], tau2_ub = ci["tau^2", "ci.ub"],
                      I2_lb = ci["I^2(%)", "ci.lb"], I2_ub = ci["I^2(%)", "ci.ub"])
  out
}

mh_all <- function(ai, n1i, ci, n2i) {
  out <- list()
  for (meas in c("RR", "OR", "RD")) {
    f <- rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = meas)
    out[[meas]] <- list(estimate = f$b[1], se = f$se, ci_lb = f$ci.lb, ci_ub = f$ci.ub,
                        zval = f$zval, pval = f$pval, QE = f$QE, QEp = f$QEp, I2 = f$I2)
  }
  out
}

add_binary <- function(ai, n1i, ci, n2i, measure, tag) {
  es <- escalc(measure = measure, ai = ai, n1i = n1i, ci = ci, n2i = n2i)
  sets[[length(sets) + 1]] <<- list(
    tag = tag, measure = measure, ai = ai, n1i = n1i, ci = ci, n2i = n2i,
    yi = as.numeric(es$yi), vi = as.numeric(es$vi), fits = fit_all(es$yi, es$vi),
    mh = mh_all(ai, n1i, ci, n2i))
}

# 30 random binary meta-analyses (k = 2..20, arms 8..400, heterogeneous true log RR,
# zero cells allowed), pooled as log RR or log OR
for (i in 1:30) {
  k <- sample(c(2, 3, 4, 5, 6, 8, 10, 15, 20), 1)
  n1 <- sample(8:400, k, replace = TRUE); n2 <- sample(8:400, k, replace = TRUE)
  p2 <- runif(k, 0.02, 0.6)
  tau <- sample(c(0, 0.1, 0.3, 0.6), 1)
  p1 <- pmin(0.95, p2 * exp(rnorm(k, -0.3, tau)))
  a <- rbinom(k, n1, p1); c <- rbinom(k, n2, p2)
  add_binary(a, n1, c, n2, if (i %% 2) "RR" else "OR", paste("random", i))
}
# 6 random continuous meta-analyses (mean differences), k = 2..12
for (i in 1:6) {
  k <- sample(2:12, 1)
  n1 <- sample(10:200, k, replace = TRUE); n2 <- sample(10:200, k, replace = TRUE)
  sd1 <- runif(k, 0.5, 3); sd2 <- runif(k, 0.5, 3)
  delta <- rnorm(k, -0.4, sample(c(0, 0.3, 1), 1))       # true effects
  m2 <- rnorm(k); m1 <- m2 + delta + rnorm(k, 0, sqrt(sd1^2 / n1 + sd2^2 / n2))
  es <- escalc(measure = "MD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2)
  sets[[length(sets) + 1]] <- list(tag = paste("random MD", i), measure = "MD",
                                   yi = as.numeric(es$yi), vi = as.numeric(es$vi),
                                   fits = fit_all(es$yi, es$vi))
}
# two sets where REML Fisher scoring from the Hedges start oscillates (found by the property
# test in tests/test_pool.py)
for (d in list(list(y = c(0, 0, 0, 0, 0, 1), v = c(1, 1, 1, 1, 1, 0.125)),
               list(y = c(0, 0, 0, 0, 1), v = c(1, 1, 1, 1, 0.0625))))
  sets[[length(sets) + 1]] <- list(tag = "REML oscillates", measure = "MD", yi = d$y,
                                   vi = d$v, fits = fit_all(d$y, d$v))
# metafor's BCG vaccine trials (Colditz et al. JAMA 1994), as RR, OR and RD
for (meas in c("RR", "OR", "RD"))
  add_binary(dat.bcg$tpos, dat.bcg$tpos + dat.bcg$tneg, dat.bcg$cpos,
             dat.bcg$cpos + dat.bcg$cneg, meas, "dat.bcg")

# Bucher 1997 worked example: Table 1 (as in the bayesmeta package's BucherEtAl1997 data),
# each comparison pooled with Peto's odds ratio (metafor::rma.peto) -- the pooled values whose
# indirect comparison reproduces the paper's OR 0.37 (95% CI 0.21 to 0.65).
eA <- c(1, 3, 0, 42, 1, 3, 0, 6, 8, 10, 15, 13, 12, 0, 14, 0, 3, 1, 2, 0, 1, 5)
nA <- c(66, 107, 15, 276, 39, 81, 104, 115, 46, 176, 152, 242, 102, 29, 154, 142, 27, 53, 108,
        26, 47, 95)
eB <- c(9, 8, 1, 41, 1, 13, 6, 9, 9, 10, 15, 12, 5, 1, 36, 6, 6, 4, 5, 2, 8, 6)
nB <- c(63, 116, 15, 288, 47, 85, 96, 105, 50, 173, 126, 291, 92, 27, 156, 71, 26, 55, 106, 23,
        48, 101)
peto <- function(i) {
  f <- rma.peto(ai = eA[i], n1i = nA[i], ci = eB[i], n2i = nB[i])
  list(events1 = eA[i], n1 = nA[i], events2 = eB[i], n2 = nB[i], log_or = f$b[1], se = f$se)
}
bucher <- list(tmpsmx_vs_ap = peto(14:22), ap_vs_dp = peto(9:13))

# The embedded trials' relapse-free counts (Fazekas 1997: 40/75 vs 26/73; IFNB 1993 8 MIU:
# 36/124 vs 18/123), as ivigstats pool and compare use them: escalc RR, rma FE/DL/REML,
# rma.mh, and the Bucher indirect ratio of the two RRs computed here by hand.
emb <- escalc(measure = "RR", ai = c(40, 36), n1i = c(75, 124), ci = c(26, 18), n2i = c(73, 123))
embedded <- list(yi = as.numeric(emb$yi), vi = as.numeric(emb$vi),
                 fits = fit_all(emb$yi, emb$vi),
                 mh = mh_all(c(40, 36), c(75, 124), c(26, 18), c(73, 123)))
d <- emb$yi[1] - emb$yi[2]; se <- sqrt(emb$vi[1] + emb$vi[2])
embedded$bucher <- list(estimate = exp(d), se = se, ci_lb = exp(d - qnorm(0.975) * se),
                        ci_ub = exp(d + qnorm(0.975) * se), zval = d / se,
                        pval = 2 * pnorm(-abs(d / se)))

write_json(list(sets = sets, bucher = bucher, embedded = embedded),
           "tests/reference/pool_r.json", digits = NA, auto_unbox = TRUE, pretty = FALSE)
cat("wrote", length(sets), "meta-analyses to tests/reference/pool_r.json\n")
