"""The benchmark results as markdown: one section per measured path, then the ratios with
their goals."""
from ...utils.markdown import markdown_table
from .recording import RESIZE, TRAIN_BATCH_FRAMES


def _ratio_table(rows: list) -> str:
    return markdown_table(['path', 'median s', 'time / ours'],
                          [(r['name'], r['median_s'], r['ratio']) for r in rows])


def format_report(results: dict) -> str:
    """The results as markdown sections."""
    env, rec = results['environment'], results['recording']
    out = [f"# Benchmark ({env['cpu_count']} CPUs, torch threads {env['torch_threads']}, "
           f"load average {env['loadavg_start']} at start, {env['loadavg_end']} at end; "
           f"median of {results['args']['repeats']})",
           f"Recording: {rec['views']} views, {rec['duration_s']} s, {rec['width']}x"
           f"{rec['height']} @ {rec['fps']} fps, keyframe every {rec['keyframe_interval']} "
           f"frames, AAC {rec['audio_rate']} Hz "
           f"(written in {rec['write_s']:.1f} s)"]
    video = results['video']
    out += ['', f"## 1. Video: {video['frames']} sampled frames of one view (single-threaded "
                f"decoders, resized to {RESIZE})", _ratio_table(video['rows'])]
    audio = results['audio']
    out += ['', f"## 2. Audio fbank windows of one track ({audio['windows']} windows; "
                f"max |diff| {audio['max_abs_diff']:.2g})", _ratio_table(audio['rows'])]
    pipe = results['pipeline']
    out += ['', f"## 3. Train pipeline, one sample ({pipe['views']} views x {pipe['frames']} "
                f"frames; inputs {pipe['inputs']})",
            markdown_table(['transform', 'median s', 'share'],
                           [(r['name'], r['median_s'], f"{100 * r['share']:.1f}%")
                            for r in pipe['rows']]),
            f"Whole sample: {pipe['total_median_s']:.3g} s; video decoding (DecordInit + "
            f"Decode) {100 * pipe['video_decode_share']:.1f}% of it."]
    enc = results['encoder']
    out += ['', f"## 4. Encoder {enc['arch']} on {tuple(enc['input_shape'])} "
                f"(D={enc['out_dim']}, torch threads {enc['torch_threads']})",
            markdown_table(['mode', 'chunk_size', 'calls', 'median s', 'peak RSS growth MiB'],
                           [(r['mode'], r['chunk_size'], r['calls'], r['median_s'],
                             r['peak_rss_growth_mib']) for r in enc['rows']]),
            f"Memory: {enc['memory_method']}.",
            f"Trainable: {enc['trainable_mib_per_frame']:.3g} MiB kept per frame, i.e. "
            f"~{enc['trainable_gib_per_batch']:.3g} GiB for one training batch of "
            f"{TRAIN_BATCH_FRAMES} frames (12 x 5 x 70, float32, linear extrapolation)."]
    vc = results['view_consistency']
    out += ['', f"## 5. View-consistency loss, forward + backward on {tuple(vc['shape'])} "
                f"(equal: value diff {vc['value_abs_diff']:.2g}, grad diff "
                f"{vc['grad_max_abs_diff']:.2g})", _ratio_table(vc['rows'])]
    out += _new_sections(results)
    return '\n'.join(out)


def _goal(met: bool) -> str:
    return 'met' if met else 'NOT met'


def _new_sections(results: dict) -> list:
    out = []
    cache = results['caches']
    out += ['', f"## 6. One training sample from the caches ({cache['clip_len']} frames; "
                f"frame cache {cache['frame_cache']['disk_mib']:.1f} MiB built in "
                f"{cache['frame_cache']['build_s']:.1f} s, feature cache "
                f"{cache['feature_cache']['disk_mib']:.2f} MiB of "
                f"D={cache['feature_cache']['dim']} {cache['feature_cache']['dtype']})",
            markdown_table(['pipeline', 'median s', 'speed-up over decoding', 'inputs'],
                           [(r['name'], r['median_s'], r['speedup'], r['inputs'])
                            for r in cache['rows']])]
    out += _cache_format_section(results['cache_formats'])
    mem = results['memory']
    out += ['', f"## 7. Activation memory kept for backward ({mem['arch']} at {mem['img_size']} "
                f"px, encoder depth {mem['depth'] or 'as configured'})",
            markdown_table(['model', 'setting', 'MiB per frame', 'fixed MiB',
                            'GiB per 12 x 5 x 70 batch'],
                           [(r['model'], r['setting'], r['mib_per_frame'], r['fixed_mib'],
                             r['batch_gib']) for r in mem['rows']]),
            f"Method: {mem['method']}."]
    steps = results['train_steps']
    for key, shape, what in (('pixels', steps['pixel_shape'], 'pixels, trainable encoders'),
                             ('features', steps['feature_shape'],
                              'cached features, frozen encoders')):
        out += ['', f"## 8{'a' if key == 'pixels' else 'b'}. Train step on {what}, batch "
                    f"B, V, T = {tuple(shape)}",
                markdown_table(['case', 'median s', 'time / Student step'],
                               [(r['name'], r['median_s'], r['ratio'])
                                for r in steps[key]['rows']])]
    out += ['', '## Ratios (one run) and goals'] + ratio_lines(results)
    return out


def _mb(value) -> str:
    return '-' if value is None else f'{value / 1e6:.3g}'


def _cache_format_section(fmt: dict) -> list:
    data = fmt['dataset']
    return ['', f"## 6b. Frame-cache formats ({fmt['views']} views x {fmt['duration_s']:g} s at "
                f"{fmt['resize']} px; one training sample of {fmt['clip_len']} frames; error "
                'vs the decoded sample)',
            markdown_table(
                ['format', 'MB / recording (video + fbank)', 'x raw', 'x mp4', 'ms / sample',
                 'speed-up over decoding', 'frames max / mean abs diff',
                 'audio max abs diff', 'GB / hour', 'data set GB'],
                [(r['name'], f"{_mb(r['bytes']['file'])} ({_mb(r['bytes']['video'])} + "
                             f"{_mb(r['bytes']['fbank'])})", r['bytes_vs_raw'],
                  r['bytes_vs_mp4'], 1e3 * r['median_s'], r['speedup'],
                  f"{r['video_max_abs_diff']:.0f} / {r['video_mean_abs_diff']:.2f}",
                  r['audio_max_abs_diff'], r['gb_per_hour'], r['dataset_gb'])
                 for r in fmt['rows']]),
            f"GB / hour: bytes per hour of {data['views']}-view recording (1 GB = 1e9 bytes); "
            f"data set: {data['recordings']:,} recordings x {data['mean_s']:g} s mean "
            "(MultiSensor-Home); the decode row is the mp4 files themselves."]


def ratio_lines(results: dict) -> list:
    """One line per ratio the issue asks for, with its goal."""
    cache, steps, mem = results['caches'], results['train_steps'], results['memory']
    lines = [f"- feature-cache sample vs decoded sample: {cache['feature_speedup']:.0f}x faster "
             f"(goal >= {cache['goal_feature_speedup']:.0f}x: "
             f"{_goal(cache['feature_speedup'] >= cache['goal_feature_speedup'])})",
             f"- frame-cache sample vs decoded sample: {cache['frame_speedup']:.0f}x faster"]
    for key, shape, what in (('pixels', 'pixel_shape', 'pixels'),
                             ('features', 'feature_shape', 'cached features')):
        ratio = steps[key]['ratio']
        lines.append(f"- ViCoKD / Student train step ({what}, B, V, T = "
                     f"{tuple(steps[shape])}): {ratio:.2f}x (goal <= {steps['goal_ratio']}x: "
                     f"{_goal(ratio <= steps['goal_ratio'])})")
    share = steps['features']['vc_share']
    lines.append(f"- view-consistency share of a ViCoKD step (cached features, B, V, T, C = "
                 f"{tuple(steps['feature_shape']) + (steps['classes'],)}): {100 * share:.2f}% "
                 f"(goal <= {100 * steps['goal_vc_share']:.0f}%: "
                 f"{_goal(share <= steps['goal_vc_share'])})")
    for row in mem['rows']:
        if row['with_cp'] and row['amp']:
            lines.append(f"- {row['model']} kept memory, 12 x 5 x 70 batch, with_cp + bf16: "
                         f"{row['batch_gib']:.1f} GiB (goal <= {mem['goal_gib']:.0f} GiB: "
                         f"{_goal(row['batch_gib'] <= mem['goal_gib'])})")
    return lines


def format_pretrained_step(results: dict) -> str:
    """Section 9 as markdown: one row per (model, ViT file, AST file) case."""
    rows = results['pretrained_step']['rows']
    table = markdown_table(
        ['model', 'ViT file', 'AST file', 'params M (trainable)', 'build + load s',
         'train step s', 'peak RSS GiB', 'loss', 'distill.fd (mean over D)'],
        [(r['model'], r['vit'], r['ast'], f"{r['params_m']:.1f} ({r['trainable_m']:.1f})",
          f"{r['load_s']:.1f}", f"{r['step_s']:.1f}", f"{r['peak_rss_gib']:.2f}",
          f"{r['losses']['loss']:.2f}", f"{r['losses'].get('distill.fd', float('nan')):.3f}")
         for r in rows])
    return '\n'.join([
        f"# 9. One train step of the real-size models from weight files "
        f"(torch threads {results['environment']['torch_threads']})",
        'Home-1 MultiASL configs (ViT-S/32 224 px + AST-base 768/12/12 -> 384, 5 views x 70 '
        'frames, batch 1, with_cp), batch decoded from one 30-s 5-view 320x240 recording; '
        'each case in its own process.', table])
