// CDLHARAMICROSS (Harami Cross Pattern) as a streaming detector, bit-identical to TA-Lib 0.6:
// a harami whose second candle is a doji (BodyDoji instead of BodyShort).
#ifndef TICKSTOCK_PATTERNS_CDL_HARAMI_CROSS_H_
#define TICKSTOCK_PATTERNS_CDL_HARAMI_CROSS_H_

#include "patterns/cdl/harami.h"

namespace tickstock::detail {

// A long candle followed by a doji inside its body: -100 after white, +100 after black; +-80
// when the doji's body touches one end of the long body.
using CdlHaramiCross = HaramiDetector<&CandleSettings::body_doji>;

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PATTERNS_CDL_HARAMI_CROSS_H_
