# Crafted bars for the penetration tests: mat holds whose reaction candle sinks 10..60% into the
# first body, and morning (doji) stars whose last candle closes 20..80% into the first body.
# Regenerate (oracle: /work/shared/tools/talib-oracle):
#   python3 gen-penetration.py > penetration.csv
#   F=CDLMATHOLD,CDLMORNINGSTAR,CDLMORNINGDOJISTAR
#   node talib-oracle.js --only $F penetration.csv > penetration.talib.csv
#   node talib-oracle.js --only $F --set CDLMATHOLD.optInPenetration=0.25 \
#     --set CDLMORNINGSTAR.optInPenetration=0.6 --set CDLMORNINGDOJISTAR.optInPenetration=0.6 \
#     penetration.csv > penetration.custom.talib.csv
import datetime
bars = []
def filler(n):
    for k in range(n):
        if k % 2 == 0: bars.append((100.0, 101.5, 99.5, 101.0))
        else: bars.append((101.0, 101.5, 99.5, 100.0))
filler(14)
for depth in (0.1, 0.2, 0.3, 0.4, 0.6):
    bars.append((100.0, 104.2, 99.8, 104.0))            # long white
    bars.append((105.0, 105.2, 104.3, 104.5))           # small black, gap up
    bars.append((104.4, 104.6, 103.8, 103.9))          # small black, within first body
    lo = round(104.0 - 4.0 * depth, 2)
    bars.append((round(lo + 0.5, 2), round(lo + 0.6, 2), round(lo - 0.1, 2), lo))  # reaction, depth
    bars.append((lo + 0.1, 106.2, lo, 106.0))            # white breakout
    filler(12)
for doji in (False, True):
    for depth in (0.2, 0.4, 0.55, 0.65, 0.8):
        bars.append((104.0, 104.2, 99.8, 100.0))        # long black
        if doji: bars.append((99.4, 99.7, 99.1, 99.41))  # doji gapping down
        else: bars.append((99.5, 99.7, 99.1, 99.3))     # short body gapping down
        c = round(100.0 + 4.0 * depth, 2)
        bars.append((99.6, c + 0.1, 99.5, c))           # white, closing `depth` into the first body
        filler(12)
t0 = datetime.datetime(2024, 1, 2, 14, 30)
print("ts,open,high,low,close,volume")
for i, (o, h, l, c) in enumerate(bars):
    ts = (t0 + datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:00.000Z")
    print(f"{ts},{o:g},{h:g},{l:g},{c:g},100")
