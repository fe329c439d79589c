/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, 256 layers, with
 * Doornik's 2005 ZIGNOR fix: the layer index and the uniform come from disjoint random bits),
 * driven directly by a xoshiro128** state in a Uint32Array. Not exported from the package; every
 * normal of `createRng`, `RngStreams` and the SDE kernels goes through {@link normalAt}, so stream i
 * produces the same sequence whichever object draws it.
 *
 * One draw: two generator outputs a, b (both steps run on the state held in registers). Layer
 * i = a & 255, sign = bit 8 of a, and a 53-bit uniform U = ((a >>> 11)·2^32 + b)·2^-53 ∈ [0, 1).
 * With the strip widths X[0] > X[1] = R > … > X[255] > X[256] = 0 (X[0] = V/f(R) the virtual width
 * of the base strip, f(x) = exp(-x²/2)), the candidate is x = U·X[i]; it is accepted at once when
 * U < X[i+1]/X[i] (about 99.3% of draws: one multiply, one compare, no transcendental function).
 * Otherwise the base strip (i = 0) samples the tail x > R by Marsaglia's exponential method, and any
 * other strip accepts x when a further uniform y between f(X[i]) and f(X[i+1]) falls below f(x);
 * a rejected candidate starts over with fresh outputs of the same stream.
 *
 * The strip widths are literals (computed once from R = 3.6541528853610088, V = 4.92867323399e-3 by
 * X[i+1] = sqrt(-2 ln(V/X[i] + f(X[i])))), so the fast path is bit-reproducible on every engine.
 * @packageDocumentation
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 1 / 9007199254740992;
/** Start of the tail (the right edge of the base strip's rectangle). */
const R = 3.6541528853610088;
const INV_R = 1 / R;

/** Strip widths X[0..256] (X[0] = V/f(R) virtual base width, X[1] = R, X[256] = 0). */
const ZIG_X = new Float64Array([
  3.91075795953709, 3.654152885361009, 3.4492782985609645, 3.320244733839166, 3.224575052047029, 3.14788928951715, 3.083526132001233,
  3.0278377917686354, 2.978603279880845, 2.9343668672078542, 2.894121053612348, 2.8571387308721325, 2.822877396825325, 2.7909211740007858,
  2.7609440052788226, 2.732685359042827, 2.705933656121858, 2.680514643284522, 2.6562830375755024, 2.6331163936303246, 2.6109105184875485,
  2.589575986706995, 2.5690354526805366, 2.5492215503234608, 2.530075232158517, 2.5115444416253423, 2.4935830412696807, 2.4761499396691433,
  2.4592083743333113, 2.4427253181989568, 2.426670984935726, 2.4110184138996855, 2.3957431197804806, 2.380822795170626, 2.3662370567158186,
  2.35196722737766, 2.3379961487950314, 2.324308018869623, 2.31088825059985, 2.2977233489013296, 2.284800802722946, 2.272108990226824,
  2.259637095172218, 2.2473750329458078, 2.235313384928328, 2.2234433400909057, 2.2117566428825444, 2.200245546609648, 2.1889027716247207,
  2.1777214677386416, 2.166695180352646, 2.1558178198750633, 2.1450836340462036, 2.13448718284432, 2.124023315687815, 2.1136871506849335,
  2.1034740557131464, 2.09337963113705, 2.0833996939965513, 2.0735302635169783, 2.063767547809956, 2.054107931648865, 2.044547965215733,
  2.0350843537278087, 2.025713947862033, 2.0164337349043717, 2.007240830558685, 1.9981324713565642, 1.9891060076155713, 1.9801588968985984,
  1.9712886979317696, 1.962493064942462, 1.953769742382734, 1.945116560006754, 1.936531428273759, 1.9280123340507183, 1.9195573365912288,
  1.9111645637692822, 1.9028322085484464, 1.89455852566871, 1.8863418285347764, 1.8781804862909774, 1.8700729210692364, 1.8620176053976318,
  1.8540130597581477, 1.846057850283119, 1.838150586580728, 1.830289919680666, 1.8224745400917826, 1.814703175964167, 1.806974591348693,
  1.7992875845475798, 1.7916409865500096, 1.7840336595472759, 1.7764644955223445, 1.7689324149090775, 1.7614363653167062,
  1.7539753203154547, 1.7465482782794923, 1.7391542612836683, 1.7317923140507065, 1.724461502945775, 1.71716091501554, 1.7098896570690052,
  1.702646854797613, 1.6954316519322379, 1.6882432094348578, 1.6810807047228224, 1.6739433309237595, 1.6668302961592858, 1.6597408228557886,
  1.6526741470806476, 1.6456295179023597, 1.6386061967731105, 1.6316034569324216, 1.624620582830568, 1.617656869570534, 1.6107116223673337,
  1.603784156023583, 1.5968737944202613, 1.5899798700216485, 1.5831017233934714, 1.5762387027333329, 1.5693901634125345, 1.5625554675284397,
  1.555733983466555, 1.5489250854715355, 1.5421281532263473, 1.5353425714388427, 1.5285677294350242, 1.5218030207582929, 1.515047842773992,
  1.5083015962785713, 1.5015636851127059, 1.4948335157777177, 1.4881104970546537, 1.4813940396253753, 1.474683555695025, 1.4679784586152307,
  1.4612781625074078, 1.4545820818855233, 1.4478896312776697, 1.441200224845798, 1.4345132760029464, 1.4278281970272904, 1.421144398672323,
  1.4144612897724644, 1.407778276843371, 1.4010947636762021, 1.3944101509250708, 1.3877238356868842, 1.3810352110727415, 1.37434366577003,
  1.3676485835943175, 1.3609493430301014, 1.3542453167594302, 1.3475358711773588, 1.3408203658931517, 1.3340981532160834,
  1.3273685776246247, 1.32063097521773, 1.313884673146869, 1.3071289890273539, 1.3003632303274337, 1.2935866937335176, 1.2867986644897864,
  1.2799984157103332, 1.2731852076618437, 1.2663582870146883, 1.2595168860601442, 1.2526602218912979, 1.245787495544998, 1.2388978911020274,
  1.231990574742445, 1.225064693752808, 1.2181193754817268, 1.2111537262399112, 1.2041668301405601, 1.197157747875586, 1.1901255154228016,
  1.1830691426787607, 1.1759876120114898, 1.1688798767268338, 1.1617448594415742, 1.1545814503558518, 1.1473885054167339, 1.140164844363996,
  1.1329092486483372, 1.1256204592112946, 1.118297174115063, 1.1109380460092495, 1.1035416794202682, 1.0961066278476035, 1.0886313906495142,
  1.0811144096988894, 1.0735540657878717, 1.0659486747575067, 1.0582964833260065, 1.0505956645862071, 1.0428443131393705,
  1.0350404398286053, 1.0271819660307513, 1.0192667174605292, 1.0112924174349784, 1.0032566795395912, 0.995156999629943, 0.9869907470938462,
  0.9787551552889376, 0.9704473110588644, 0.962064143217605, 0.9536024098755724, 0.9450586844625709, 0.9364293402808966, 0.9277105333962347,
  0.918898183643735, 0.909987953490769, 0.9009752244551745, 0.8918550707267924, 0.8826222295789101, 0.8732710680824946, 0.8637955455468269,
  0.8541891710015606, 0.8444449549024237, 0.8345553540795188, 0.8245122087452889, 0.8143066701280646, 0.8039291169826651,
  0.7933690588331529, 0.782615023299589, 0.7716544242167395, 0.7604734064220834, 0.7490566620095818, 0.7373872114258389, 0.7254461409013037,
  0.7132122851820227, 0.7006618410975844, 0.6877678927862577, 0.6744998228274365, 0.660822574234206, 0.6466957148843889, 0.6320722363750246,
  0.6168969899962355, 0.6011046177439404, 0.5846167660937223, 0.567338257040473, 0.5491517023130268, 0.5299097206464951, 0.5094233295859334,
  0.48744396612175434, 0.46363433677176324, 0.43751840218666266, 0.40838913458800075, 0.3751213328504657, 0.33573751918045946,
  0.2861745917472605, 0.2152418959132738, 0,
]);
/** Q[i] = X[i+1]/X[i]: U < Q[i] means the candidate lies inside the curve for sure. */
const Q = new Float64Array(256);
const X = ZIG_X;
/** F[i] = f(X[i]) = exp(-X[i]²/2), the strip heights (used only on the slow path). */
const F = new Float64Array(257);
for (let i = 0; i < 256; i++) Q[i] = X[i + 1]! / X[i]!;
for (let i = 0; i <= 256; i++) F[i] = Math.exp(-0.5 * X[i]! * X[i]!);
/**
 * The fast-path tables indexed by the 9 low bits j = a & 511 (layer j & 255, sign bit 256):
 * ZIG_QS[j] = Q[j & 255] and ZIG_XS[j] = ±X[j & 255]. The signed width turns the sign into the one
 * multiply u·XS[j] (= ±(u·X[i]) exactly) instead of an unpredictable branch.
 */
export const ZIG_QS = new Float64Array(512);
export const ZIG_XS = new Float64Array(512);
for (let j = 0; j < 512; j++) {
  ZIG_QS[j] = Q[j & 255]!;
  ZIG_XS[j] = (j & 256) === 0 ? X[j & 255]! : -X[j & 255]!;
}
const QS = ZIG_QS;
const XS = ZIG_XS;

/** One xoshiro128** step on st[o..o+3], output as an unsigned 32-bit number. */
function nextAt(st: Uint32Array, o: number): number {
  const s0 = st[o]!;
  const s1 = st[o + 1]!;
  const s2 = st[o + 2]!;
  const s3 = st[o + 3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  st[o] = s0 ^ n3;
  st[o + 1] = s1 ^ n2;
  st[o + 2] = n2 ^ t;
  st[o + 3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/** 53-bit uniform in [0, 1) from two outputs, exactly as `Rng.uniform()`. */
function uniformAt(st: Uint32Array, o: number): number {
  const a = nextAt(st, o) >>> 5;
  const b = nextAt(st, o) >>> 6;
  return (a * 67108864 + b) * TWO_POW_M53;
}

/**
 * Next standard normal variate of the xoshiro128** stream whose state is st[o..o+3] (advanced in
 * place). Small enough for V8 to inline into particle loops; the rare cases go to a separate function.
 */
export function normalAt(st: Uint32Array, o: number): number {
  let s0 = st[o]! | 0;
  let s1 = st[o + 1]! | 0;
  let s2 = st[o + 2]! | 0;
  let s3 = st[o + 3]! | 0;
  // Two xoshiro128** steps with the state in registers (output a, then b).
  let m = Math.imul(s1, 5);
  const a = Math.imul((m << 7) | (m >>> 25), 9);
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  m = Math.imul(s1, 5);
  const b = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  st[o] = s0;
  st[o + 1] = s1;
  st[o + 2] = s2;
  st[o + 3] = s3;
  const j = a & 511;
  const u = ((a >>> 11) * TWO_POW_32 + b) * TWO_POW_M53;
  if (u < QS[j]!) return u * XS[j]!;
  return normalSlow(st, o, j & 255, u, a & 256);
}

/**
 * The ~0.7% of draws outside the inner rectangles: tail or wedge test, else a fresh draw. `st[o..o+3]`
 * must hold the state after the two outputs that gave layer `i`, uniform `u` and the sign bit
 * `negative` (kernels that inline the fast path write their registers back before calling this).
 */
export function normalSlow(st: Uint32Array, o: number, i: number, u: number, negative: number): number {
  if (i === 0) {
    // Tail beyond R (Marsaglia 1964): x = R + e1/R with e1, e2 exponential, accepted when 2 e2 ≥ (e1/R)².
    for (;;) {
      const e1 = -Math.log(1 - uniformAt(st, o)) * INV_R;
      const e2 = -Math.log(1 - uniformAt(st, o));
      if (e2 + e2 >= e1 * e1) return negative === 0 ? R + e1 : -(R + e1);
    }
  }
  const x = u * X[i]!;
  const y = F[i]! + uniformAt(st, o) * (F[i + 1]! - F[i]!);
  if (y < Math.exp(-0.5 * x * x)) return negative === 0 ? x : -x;
  return normalAt(st, o);
}
