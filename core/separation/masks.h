#pragma once
// Time-frequency masks applied to the mixture STFT, keeping the mixture phase (§3, §10.2):
//   ideal binary:  Ŝ_j = X where V_j is the largest of the V_k (first source on ties), else 0;
//   ratio (p):     Ŝ_j = V_j^p / sum_k V_k^p ⊙ X   (p = 1 "ideal ratio", p = 2 Wiener / power ratio);
//   mixture phase: Ŝ_j = V_j ⊙ exp(i∠X)  (the "amplitude mask" AM: keeps |Ŝ_j| = V_j, not conservative).
// Binary and ratio masks are conservative: sum_j Ŝ_j = X exactly (bins where every V_k is 0 are
// split equally). With oracle magnitudes V_j = |S_j| these are the ideal (oracle) masks.
// One pass, no iteration, cost O(J F T) plus J inverse STFTs.

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

enum class MaskType { Binary, Ratio, MixturePhase };

struct MaskParams {
    MaskType type = MaskType::Ratio;
    double exponent = 2.0;  // Ratio only: 1 = magnitude ratio, 2 = Wiener (power ratio)
};

const AlgorithmDescription& idealBinaryDescription();  // "ideal-binary"
const AlgorithmDescription& idealRatioDescription();   // "ideal-ratio"  (param: exponent, default 1)
const AlgorithmDescription& wienerDescription();       // "wiener"       (power ratio)
const AlgorithmDescription& mixturePhaseDescription(); // "mixture-phase"

// Needs J >= 1 (J >= 2 for a meaningful split). InputError on a bad input.
SeparationResult runMask(const SeparationInput& in, const MaskParams& params, const RunControl& control = {});

// The masked mixture STFTs Ŝ_j that runMask synthesises (J arrays bins x frames), without the synthesis:
// the counterpart of norbert's softmask / wiener(iterations = 0). Memory: the J outputs plus a few
// frames of workspace. Same checks as runMask.
std::vector<Spectrogram> maskedStfts(const SeparationInput& in, const MaskParams& params);
// The same into `out`, resized to J arrays; arrays already bins x frames are written in place (repeated
// calls on one shape allocate nothing). On InputError `out`'s contents are unspecified.
void maskedStfts(const SeparationInput& in, const MaskParams& params, std::vector<Spectrogram>& out);

// The masks themselves (J arrays bins x frames, summing to 1 for Binary/Ratio).
std::vector<Magnitudes> ratioMasks(const std::vector<Magnitudes>& V, double exponent);
std::vector<Magnitudes> binaryMasks(const std::vector<Magnitudes>& V);

}  // namespace phaselab::separation
