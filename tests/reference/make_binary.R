# Expected values for the binary (2x2) family, computed with R alone (no ivigstats code).
# Rerun from the repository root:  Rscript tests/reference/make_binary.R
# Needs (Debian packages): r-base-core, r-cran-metafor, r-cran-jsonlite, r-cran-epitools.
#
# Sources per pair (see docs/methods/binary.md):
#   risk_ratio/katz_log, odds_ratio/woolf_log   metafor::escalc + summary (add = 1/2, to = "only0")
#   risk_difference/wald                        metafor::escalc("RD", add = 0)  (uncorrected)
#   risk_difference/newcombe, nnt/newcombe      Wilson limits from prop.test(correct = FALSE)
#   test/pearson_chi2, test/yates_chi2          chisq.test(correct = FALSE / TRUE)
#   test/fisher_exact                           fisher.test()$p.value
#   odds_ratio/exact_conditional                fisher.test (loose: R's uniroot tol ~1.2e-4) and
#                                               fisher.test's own definitions re-solved with
#                                               uniroot on log(OR), tol 1e-13 ("fisher_tight")
#   odds_ratio/mid_p                            epitools::oddsratio.midp / ormidp.test (P exact;
#                                               estimate and CI loose, uniroot default tol) and
#                                               the mid-p definitions solved with uniroot, tol 1e-13
#   risk_difference/miettinen_nurminen          no package installed here (DescTools, PropCIs,
#                                               exact2x2 are not in Debian): score statistic of
#                                               Miettinen & Nurminen 1985 solved with uniroot
#   risk_ratio/koopman                          score statistic of Koopman 1984 solved with uniroot
#   risk_difference/agresti_caffo               closed form of Agresti & Caffo 2000
suppressPackageStartupMessages({library(metafor); library(jsonlite); library(epitools)})

set.seed(19970301)
cases <- list()
add_case <- function(e1, n1, e2, n2, tag) {
  cases[[length(cases) + 1]] <<- list(e1 = e1, n1 = n1, e2 = e2, n2 = n2, tag = tag)
}
add_case(40, 75, 26, 73, "Fazekas 1997 relapse-free")
nc <- rbind(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29), c(0, 10, 0, 20),
            c(10, 10, 0, 20))
for (i in seq_len(nrow(nc))) add_case(nc[i, 1], nc[i, 2], nc[i, 3], nc[i, 4], "Newcombe 1998 Table II")
add_case(12, 30, 6, 34, "statsmodels 0.15 MN raises")
edge <- rbind(c(0, 1, 0, 1), c(1, 1, 1, 1), c(1, 1, 0, 1), c(0, 1, 1, 1), c(0, 5, 0, 5),
              c(5, 5, 5, 5), c(5, 5, 0, 5), c(0, 7, 3, 9), c(3, 9, 9, 9), c(0, 1, 3, 40),
              c(1, 1, 17, 40), c(0, 200, 0, 3), c(200, 200, 1, 2), c(1000, 1000, 0, 1000),
              c(600, 1000, 400, 1000), c(900, 1000, 100, 1000), c(0, 1e6, 0, 1e6),
              c(1e6, 1e6, 999990, 1e6), c(12, 1e6, 31, 1e6), c(500000, 1e6, 499000, 1e6))
for (i in seq_len(nrow(edge))) add_case(edge[i, 1], edge[i, 2], edge[i, 3], edge[i, 4], "edge")
draw <- function(k, nmin, nmax, pmax, tag, log_n = FALSE) {
  for (i in seq_len(k)) {
    n <- if (log_n) round(10^runif(2, log10(nmin), log10(nmax))) else sample(nmin:nmax, 2, TRUE)
    p <- runif(2, 0, pmax)
    add_case(rbinom(1, n[1], p[1]), n[1], rbinom(1, n[2], p[2]), n[2], tag)
  }
}
draw(110, 1, 20, 1, "small")
draw(100, 20, 200, 1, "moderate")
draw(40, 1, 60, 0.08, "rare events (zero cells)")
draw(20, 200, 1e4, 1, "large", log_n = TRUE)
draw(12, 1e4, 1e6, 1, "very large", log_n = TRUE)

z <- qnorm(0.975)
fin <- function(x) if (is.null(x) || length(x) == 0) NA else unname(x)
esc <- function(measure, e1, n1, e2, n2, add = 1/2, exp_scale = TRUE) {
  s <- summary(escalc(measure, ai = e1, n1i = n1, ci = e2, n2i = n2, add = add))
  tr <- if (exp_scale) exp else identity
  list(estimate = tr(s$yi[1]), std_error = s$sei[1], conf_low = tr(s$ci.lb[1]),
       conf_high = tr(s$ci.ub[1]), statistic = s$zi[1], p_value = s$pval[1])
}
wilson <- function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE)$conf.int)
newcombe <- function(e1, n1, e2, n2) {
  p1 <- e1 / n1; p2 <- e2 / n2; w1 <- wilson(e1, n1); w2 <- wilson(e2, n2)
  c(p1 - p2, p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
    p1 - p2 + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
chi <- function(tab, correct) {
  t <- suppressWarnings(chisq.test(tab, correct = correct))
  list(statistic = unname(t$statistic), df = unname(t$parameter), p_value = t$p.value)
}
# Noncentral hypergeometric pieces exactly as in R's fisher.test source.
nhyper <- function(e1, n1, e2, n2) {
  m <- e1 + e2; n <- n1 + n2 - m; k <- n1; lo <- max(0, k - n); hi <- min(k, m)
  support <- lo:hi; logdc <- dhyper(support, m, n, k, log = TRUE)
  d <- function(lpsi) { w <- logdc + lpsi * support; w <- exp(w - max(w)); w / sum(w) }
  list(x = e1, lo = lo, hi = hi, support = support, d = d)
}
root <- function(f, target) {  # f increasing in log(psi)
  uniroot(function(t) f(t) - target, c(-60, 60), tol = 1e-13, extendInt = "upX",
          maxiter = 10000)$root
}
exact_tight <- function(h, alpha) {
  with(h, {
    if (lo == hi) return(list(estimate = NA, conf_low = 0, conf_high = Inf))
    mean_x <- function(t) sum(support * d(t))
    upper_tail <- function(t) sum(d(t)[support >= x])
    lower_tail <- function(t) sum(d(t)[support <= x])
    list(estimate = if (x == lo) 0 else if (x == hi) Inf else exp(root(mean_x, x)),
         conf_low = if (x == lo) 0 else exp(root(upper_tail, alpha / 2)),
         conf_high = if (x == hi) Inf else exp(root(function(t) -lower_tail(t), -alpha / 2)))
  })
}
midp_tight <- function(h, alpha) {
  with(h, {
    if (lo == hi) return(list(estimate = NA, conf_low = 0, conf_high = Inf, p_value = 1))
    up <- function(t) { p <- d(t); sum(p[support > x]) + p[support == x] / 2 }
    dn <- function(t) { p <- d(t); sum(p[support < x]) + p[support == x] / 2 }
    list(estimate = if (x == lo) 0 else if (x == hi) Inf else exp(root(up, 0.5)),
         conf_low = if (x == lo) 0 else exp(root(up, alpha / 2)),
         conf_high = if (x == hi) Inf else exp(root(function(t) -dn(t), -alpha / 2)),
         p_value = min(1, 2 * min(up(0), dn(0))))
  })
}
mn_restricted <- function(delta, p1, n1, p2, n2) {
  # MLE of (p1, p2) under p1 - p2 = delta: the root of Miettinen & Nurminen's (1985, appendix)
  # cubic in p1 that lies in [max(0, delta), min(1, 1 + delta)], found with polyroot()
  # (not the trigonometric closed form, which loses digits when two roots nearly meet).
  t <- n2 / n1; a <- 1 + t; b <- -(1 + t + p1 + t * p2 + delta * (t + 2))
  c <- delta^2 + delta * (2 * p1 + t + 1) + p1 + t * p2; d <- -p1 * delta * (1 + delta)
  roots <- polyroot(c(d, c, b, a)); lo <- max(0, delta); hi <- min(1, 1 + delta)
  r <- Re(roots)[abs(Im(roots)) < 1e-5 & Re(roots) >= lo - 1e-6 & Re(roots) <= hi + 1e-6]
  if (length(r) == 0) r <- Re(roots)[which.min(abs(Im(roots)))]  # near-double root
  r <- pmin(hi, pmax(lo, r))
  ll <- sapply(r, function(r1) {
    r2 <- r1 - delta
    sum(c(p1 * n1 * log(r1), (1 - p1) * n1 * log(1 - r1), p2 * n2 * log(r2),
          (1 - p2) * n2 * log(1 - r2))[c(p1 > 0, p1 < 1, p2 > 0, p2 < 1)])
  })
  r1 <- r[which.max(ll)]
  for (i in 1:3) {  # Newton polish of the polyroot() root (it loses digits near 0 and 1)
    f <- ((a * r1 + b) * r1 + c) * r1 + d
    new <- min(hi, max(lo, r1 - f / ((3 * a * r1 + 2 * b) * r1 + c)))
    if (is.finite(f) && is.finite(new) && abs(((a * new + b) * new + c) * new + d) < abs(f)) r1 <- new
  }
  c(r1, min(1, max(0, r1 - delta)))
}
mn <- function(e1, n1, e2, n2) {
  if (e1 + e2 > (n1 + n2) / 2) {  # the interval for non-events, negated: keeps digits near 1
    r <- mn(n1 - e1, n1, n2 - e2, n2)
    return(list(estimate = -r$estimate, conf_low = -r$conf_high, conf_high = -r$conf_low,
                statistic = -r$statistic, p_value = r$p_value))
  }
  p1 <- e1 / n1; p2 <- e2 / n2; rd <- p1 - p2; N <- n1 + n2
  zf <- function(delta) {
    r <- mn_restricted(delta, p1, n1, p2, n2)
    (rd - delta) / sqrt((r[1] * (1 - r[1]) / n1 + r[2] * (1 - r[2]) / n2) * N / (N - 1))
  }
  eps <- 1e-12
  low <- if (rd <= -1 + eps) -1 else
    uniroot(function(d) zf(d) - z, c(-1 + eps, rd - eps * (rd > -1 + 2 * eps)), tol = 1e-14)$root
  high <- if (rd >= 1 - eps) 1 else
    uniroot(function(d) zf(d) + z, c(rd + eps, 1 - eps), tol = 1e-14)$root
  stat <- if (e1 + e2 == 0 || e1 + e2 == N) NA else zf(0)
  list(estimate = rd, conf_low = low, conf_high = high, statistic = stat,
       p_value = 2 * pnorm(-abs(stat)))
}
koopman <- function(e1, n1, e2, n2) {
  N <- n1 + n2
  zf <- function(lphi) {
    phi <- exp(lphi); A <- N * phi; B <- -(n1 * phi + e1 + n2 + e2 * phi); C <- e1 + e2
    r2 <- min(1, 2 * C / (-B + sqrt(max(0, B^2 - 4 * A * C)))); r1 <- min(1, phi * r2)  # stable root
    (e1 / n1 - phi * e2 / n2) / sqrt(r1 * (1 - r1) / n1 + phi^2 * r2 * (1 - r2) / n2)
  }
  if (e1 + e2 == 0) return(list(estimate = NA, conf_low = 0, conf_high = Inf,
                                statistic = NA, p_value = NA))
  ctr <- log((e1 + 0.5) / (n1 + 0.5)) - log((e2 + 0.5) / (n2 + 0.5))
  low <- if (e1 == 0) 0 else exp(uniroot(function(t) zf(t) - z, ctr + c(-40, 40), tol = 1e-13)$root)
  high <- if (e2 == 0) Inf else exp(uniroot(function(t) zf(t) + z, ctr + c(-40, 40), tol = 1e-13)$root)
  stat <- if (e1 + e2 == N) NA else zf(0)
  list(estimate = (e1 / n1) / (e2 / n2), conf_low = low, conf_high = high, statistic = stat,
       p_value = 2 * pnorm(-abs(stat)))
}
agresti_caffo <- function(e1, n1, e2, n2) {
  q1 <- (e1 + 1) / (n1 + 2); q2 <- (e2 + 1) / (n2 + 2)
  se <- sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
  list(estimate = e1 / n1 - e2 / n2, std_error = se, conf_low = q1 - q2 - z * se,
       conf_high = q1 - q2 + z * se)
}
nnt <- function(nc, benefit) {
  arr <- if (benefit == "higher") nc else -nc[c(1, 3, 2)]
  list(estimate = if (arr[1] == 0) Inf else 1 / arr[1], conf_low = 1 / arr[3],
       conf_high = if (arr[2] == 0) -Inf else 1 / arr[2])
}

out <- lapply(cases, function(cs) {
  e1 <- cs$e1; n1 <- cs$n1; e2 <- cs$e2; n2 <- cs$n2
  tab <- matrix(c(e1, n1 - e1, e2, n2 - e2), 2, byrow = TRUE)
  ft <- fisher.test(tab)
  h <- nhyper(e1, n1, e2, n2)
  nw <- newcombe(e1, n1, e2, n2)
  small <- n1 + n2 <= 2e4
  mp <- if (small) tryCatch({
    o <- oddsratio.midp(tab)
    list(estimate = o$measure[2, 1], conf_low = o$measure[2, 2], conf_high = o$measure[2, 3],
         p_value = o$p.value[2, 1])
  }, error = function(e) NULL) else NULL
  res <- list(
    risk_ratio.katz_log = esc("RR", e1, n1, e2, n2),
    odds_ratio.woolf_log = esc("OR", e1, n1, e2, n2),
    risk_difference.wald = esc("RD", e1, n1, e2, n2, add = 0, exp_scale = FALSE),
    risk_difference.newcombe = list(estimate = nw[1], conf_low = nw[2], conf_high = nw[3]),
    nnt.newcombe = nnt(nw, "higher"),
    nnt.newcombe.lower = nnt(nw, "lower"),
    test.pearson_chi2 = chi(tab, FALSE),
    test.yates_chi2 = chi(tab, TRUE),
    test.fisher_exact = list(p_value = ft$p.value),
    odds_ratio.exact_conditional = c(exact_tight(h, 0.05), list(p_value = ft$p.value)),
    odds_ratio.exact_conditional.loose = list(estimate = fin(ft$estimate),
                                              conf_low = ft$conf.int[1], conf_high = ft$conf.int[2]),
    odds_ratio.mid_p = midp_tight(h, 0.05),
    risk_difference.miettinen_nurminen = mn(e1, n1, e2, n2),
    risk_ratio.koopman = koopman(e1, n1, e2, n2),
    risk_difference.agresti_caffo = agresti_caffo(e1, n1, e2, n2))
  if (!is.null(mp)) res$odds_ratio.mid_p.epitools <- mp
  list(table = c(e1, n1, e2, n2), tag = cs$tag, expected = res)
})
meta <- list(r_version = R.version.string, metafor = as.character(packageVersion("metafor")),
             epitools = as.character(packageVersion("epitools")), level = 0.95, cases = out)
writeLines(toJSON(meta, auto_unbox = TRUE, digits = NA, na = "string", pretty = FALSE),
           "tests/reference/binary_r.json")
cat(length(out), "cases written to tests/reference/binary_r.json\n")
