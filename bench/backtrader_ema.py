"""EMA(10)/EMA(50) cross in backtrader on an mlbot CSV export: the peer for `mlbot-bench engine`'s
rule strategy. Long above, short below, 10 % of equity, taker fee 0.055 %, next-open fills.
Prints bars per second (best of two runs, feed loading excluded from the rate)."""
import sys
import time

import backtrader as bt
import pandas as pd


class EmaCross(bt.Strategy):
    def __init__(self):
        self.cross = bt.indicators.CrossOver(bt.indicators.EMA(period=10), bt.indicators.EMA(period=50))

    def next(self):
        if self.cross > 0:
            self.order_target_percent(target=0.1)
        elif self.cross < 0:
            self.order_target_percent(target=-0.1)


def run(frame):
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(EmaCross)
    cerebro.broker.setcash(10_000)
    cerebro.broker.setcommission(commission=0.00055)
    start = time.perf_counter()
    result = cerebro.run(preload=True, runonce=True)
    seconds = time.perf_counter() - start
    return seconds, len(result[0].data), cerebro.broker.getvalue()


def main(path):
    raw = pd.read_csv(path)
    frame = pd.DataFrame({
        "open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"], "volume": raw["volume"],
    })
    frame.index = pd.to_datetime(raw["timestamp"], utc=True).dt.tz_localize(None)
    best = None
    for _ in range(2):
        seconds, bars, value = run(frame)
        best = seconds if best is None else min(best, seconds)
    print(f"  backtrader {bt.__version__}: EMA(10)/EMA(50) cross, {bars} bars: {best:.2f} s, {bars / best:,.0f} bars/s (final value {value:.2f})")


if __name__ == "__main__":
    main(sys.argv[1])
