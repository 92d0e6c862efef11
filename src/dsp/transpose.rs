//! Frames to channel planes: the chain works frame by frame (one value per channel side by side), the
//! offline statistics channel by channel. Turning one into the other value by value is a strided load and
//! a store per value; on x86-64 with AVX this moves 8 frames x 8 channels at a time through registers
//! (eight loads, a fixed shuffle, eight stores). Either way every value is copied exactly.

/// Copies `frames` frames of `channels` values into planes: value `c` of frame `f` (`row(f)[c]`) goes to
/// `planes[c * plane + f]`. Panics, like slice indexing, if a row is shorter than `channels` or `planes`
/// too short.
#[inline]
pub fn frames_to_planes<'a>(
    row: impl Fn(usize) -> &'a [f32],
    channels: usize,
    frames: usize,
    planes: &mut [f32],
    plane: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { frames_to_planes_avx(&row, channels, frames, planes, plane) };
        return;
    }
    copy_values(&row, 0..channels, 0..frames, planes, plane);
}

/// The value-by-value copy of channels `cs` of frames `fs`.
#[inline(always)]
fn copy_values<'a>(
    row: &impl Fn(usize) -> &'a [f32],
    cs: std::ops::Range<usize>,
    fs: std::ops::Range<usize>,
    planes: &mut [f32],
    plane: usize,
) {
    for c in cs {
        for f in fs.clone() {
            planes[c * plane + f] = row(f)[c];
        }
    }
}

/// Whole 8 x 8 tiles through registers, the ragged edges value by value.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn frames_to_planes_avx<'a>(
    row: &impl Fn(usize) -> &'a [f32],
    channels: usize,
    frames: usize,
    planes: &mut [f32],
    plane: usize,
) {
    let (whole_c, whole_f) = (channels / 8 * 8, frames / 8 * 8);
    for f0 in (0..whole_f).step_by(8) {
        for c0 in (0..whole_c).step_by(8) {
            let mut rows: [&[f32]; 8] = [&[]; 8];
            for (i, r) in rows.iter_mut().enumerate() {
                *r = &row(f0 + i)[c0..c0 + 8];
            }
            let tile = tile_8x8(rows);
            for (j, t) in tile.iter().enumerate() {
                let at = (c0 + j) * plane + f0;
                planes[at..at + 8].copy_from_slice(t);
            }
        }
    }
    copy_values(row, whole_c..channels, 0..frames, planes, plane);
    copy_values(row, 0..whole_c, whole_f..frames, planes, plane);
}

/// Transposes eight rows of eight values: output `j` holds value `j` of every row, in row order.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[inline]
fn tile_8x8(rows: [&[f32]; 8]) -> [[f32; 8]; 8] {
    use std::arch::x86_64::*;
    // SAFETY: each row has exactly 8 values (sliced by the caller; checked here), read unaligned; the output is written
    // through an 8-value array per vector.
    unsafe {
        // (No closures here: they would not inherit this function's AVX and would be called per load.)
        let r = [
            _mm256_loadu_ps(rows[0].as_ptr()),
            _mm256_loadu_ps(rows[1].as_ptr()),
            _mm256_loadu_ps(rows[2].as_ptr()),
            _mm256_loadu_ps(rows[3].as_ptr()),
            _mm256_loadu_ps(rows[4].as_ptr()),
            _mm256_loadu_ps(rows[5].as_ptr()),
            _mm256_loadu_ps(rows[6].as_ptr()),
            _mm256_loadu_ps(rows[7].as_ptr()),
        ];
        // Interleave pairs of rows, then pairs of pairs, then swap the 128-bit halves.
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let out = [
            _mm256_permute2f128_ps::<0x20>(s0, s4),
            _mm256_permute2f128_ps::<0x20>(s1, s5),
            _mm256_permute2f128_ps::<0x20>(s2, s6),
            _mm256_permute2f128_ps::<0x20>(s3, s7),
            _mm256_permute2f128_ps::<0x31>(s0, s4),
            _mm256_permute2f128_ps::<0x31>(s1, s5),
            _mm256_permute2f128_ps::<0x31>(s2, s6),
            _mm256_permute2f128_ps::<0x31>(s3, s7),
        ];
        let mut tile = [[0.0f32; 8]; 8];
        for (t, v) in tile.iter_mut().zip(out) {
            _mm256_storeu_ps(t.as_mut_ptr(), v);
        }
        tile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape around the tile size, against the value-by-value copy (values unique, so a misplaced
    /// one shows).
    #[test]
    fn equals_the_value_by_value_copy_for_every_shape() {
        for channels in 1..=17 {
            for frames in [0, 1, 7, 8, 9, 15, 16, 17, 64, 70] {
                let stride = channels + 3;
                let src: Vec<f32> = (0..frames * stride).map(|i| i as f32 + 0.5).collect();
                let row = |f: usize| &src[f * stride..f * stride + channels];
                let plane = frames + 5;
                let mut fast = vec![-1.0; channels * plane];
                let mut slow = fast.clone();
                frames_to_planes(row, channels, frames, &mut fast, plane);
                copy_values(&row, 0..channels, 0..frames, &mut slow, plane);
                assert_eq!(fast, slow, "{channels} channels, {frames} frames");
                for c in 0..channels {
                    for f in 0..frames {
                        assert_eq!(fast[c * plane + f], src[f * stride + c]);
                    }
                }
            }
        }
    }
}
