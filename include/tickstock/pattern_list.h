// The 61 TA-Lib candlestick functions, as an X-macro: X(Enum, "TA-Lib name", "Display name").
// Alphabetical by TA-Lib name, which is also the column order of the scan output.
#ifndef TICKSTOCK_PATTERN_LIST_H_
#define TICKSTOCK_PATTERN_LIST_H_

#define TICKSTOCK_PATTERNS(X)                                                            \
  X(TwoCrows, "CDL2CROWS", "Two Crows")                                                  \
  X(ThreeBlackCrows, "CDL3BLACKCROWS", "Three Black Crows")                              \
  X(ThreeInside, "CDL3INSIDE", "Three Inside Up/Down")                                   \
  X(ThreeLineStrike, "CDL3LINESTRIKE", "Three-Line Strike")                              \
  X(ThreeOutside, "CDL3OUTSIDE", "Three Outside Up/Down")                                \
  X(ThreeStarsInSouth, "CDL3STARSINSOUTH", "Three Stars In The South")                   \
  X(ThreeWhiteSoldiers, "CDL3WHITESOLDIERS", "Three Advancing White Soldiers")           \
  X(AbandonedBaby, "CDLABANDONEDBABY", "Abandoned Baby")                                 \
  X(AdvanceBlock, "CDLADVANCEBLOCK", "Advance Block")                                    \
  X(BeltHold, "CDLBELTHOLD", "Belt-hold")                                                \
  X(Breakaway, "CDLBREAKAWAY", "Breakaway")                                              \
  X(ClosingMarubozu, "CDLCLOSINGMARUBOZU", "Closing Marubozu")                           \
  X(ConcealBabySwallow, "CDLCONCEALBABYSWALL", "Concealing Baby Swallow")                \
  X(Counterattack, "CDLCOUNTERATTACK", "Counterattack")                                  \
  X(DarkCloudCover, "CDLDARKCLOUDCOVER", "Dark Cloud Cover")                             \
  X(Doji, "CDLDOJI", "Doji")                                                             \
  X(DojiStar, "CDLDOJISTAR", "Doji Star")                                                \
  X(DragonflyDoji, "CDLDRAGONFLYDOJI", "Dragonfly Doji")                                 \
  X(Engulfing, "CDLENGULFING", "Engulfing Pattern")                                      \
  X(EveningDojiStar, "CDLEVENINGDOJISTAR", "Evening Doji Star")                          \
  X(EveningStar, "CDLEVENINGSTAR", "Evening Star")                                       \
  X(GapSideSideWhite, "CDLGAPSIDESIDEWHITE", "Up/Down-gap side-by-side white lines")     \
  X(GravestoneDoji, "CDLGRAVESTONEDOJI", "Gravestone Doji")                              \
  X(Hammer, "CDLHAMMER", "Hammer")                                                       \
  X(HangingMan, "CDLHANGINGMAN", "Hanging Man")                                          \
  X(Harami, "CDLHARAMI", "Harami Pattern")                                               \
  X(HaramiCross, "CDLHARAMICROSS", "Harami Cross Pattern")                               \
  X(HighWave, "CDLHIGHWAVE", "High-Wave Candle")                                         \
  X(Hikkake, "CDLHIKKAKE", "Hikkake Pattern")                                            \
  X(HikkakeMod, "CDLHIKKAKEMOD", "Modified Hikkake Pattern")                             \
  X(HomingPigeon, "CDLHOMINGPIGEON", "Homing Pigeon")                                    \
  X(IdenticalThreeCrows, "CDLIDENTICAL3CROWS", "Identical Three Crows")                  \
  X(InNeck, "CDLINNECK", "In-Neck Pattern")                                              \
  X(InvertedHammer, "CDLINVERTEDHAMMER", "Inverted Hammer")                              \
  X(Kicking, "CDLKICKING", "Kicking")                                                    \
  X(KickingByLength, "CDLKICKINGBYLENGTH", "Kicking - bull/bear by the longer marubozu") \
  X(LadderBottom, "CDLLADDERBOTTOM", "Ladder Bottom")                                    \
  X(LongLeggedDoji, "CDLLONGLEGGEDDOJI", "Long Legged Doji")                             \
  X(LongLine, "CDLLONGLINE", "Long Line Candle")                                         \
  X(Marubozu, "CDLMARUBOZU", "Marubozu")                                                 \
  X(MatchingLow, "CDLMATCHINGLOW", "Matching Low")                                       \
  X(MatHold, "CDLMATHOLD", "Mat Hold")                                                   \
  X(MorningDojiStar, "CDLMORNINGDOJISTAR", "Morning Doji Star")                          \
  X(MorningStar, "CDLMORNINGSTAR", "Morning Star")                                       \
  X(OnNeck, "CDLONNECK", "On-Neck Pattern")                                              \
  X(Piercing, "CDLPIERCING", "Piercing Pattern")                                         \
  X(RickshawMan, "CDLRICKSHAWMAN", "Rickshaw Man")                                       \
  X(RiseFallThreeMethods, "CDLRISEFALL3METHODS", "Rising/Falling Three Methods")         \
  X(SeparatingLines, "CDLSEPARATINGLINES", "Separating Lines")                           \
  X(ShootingStar, "CDLSHOOTINGSTAR", "Shooting Star")                                    \
  X(ShortLine, "CDLSHORTLINE", "Short Line Candle")                                      \
  X(SpinningTop, "CDLSPINNINGTOP", "Spinning Top")                                       \
  X(StalledPattern, "CDLSTALLEDPATTERN", "Stalled Pattern")                              \
  X(StickSandwich, "CDLSTICKSANDWICH", "Stick Sandwich")                                 \
  X(Takuri, "CDLTAKURI", "Takuri (Dragonfly Doji with very long lower shadow)")          \
  X(TasukiGap, "CDLTASUKIGAP", "Tasuki Gap")                                             \
  X(Thrusting, "CDLTHRUSTING", "Thrusting Pattern")                                      \
  X(Tristar, "CDLTRISTAR", "Tristar Pattern")                                            \
  X(UniqueThreeRiver, "CDLUNIQUE3RIVER", "Unique 3 River")                               \
  X(UpsideGapTwoCrows, "CDLUPSIDEGAP2CROWS", "Upside Gap Two Crows")                     \
  X(XSideGapThreeMethods, "CDLXSIDEGAP3METHODS", "Upside/Downside Gap Three Methods")

#endif  // TICKSTOCK_PATTERN_LIST_H_
