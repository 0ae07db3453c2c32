"""Run a trained model on one multi-view recording and decide which actions it shows, and when.

    python tools/infer.py CONFIG CKPT --videos V1.mp4 ... VN.mp4 [--ann-file F] --out DIR
    python tools/infer.py CONFIG CKPT --recording ID [--ann-file F --data-root D] --out DIR
                          [--threshold X]

One video per view, in view order (as many as the model's views). CKPT may be a recognizer's
or a distiller's checkpoint (its student is used). The whole recording is scored with windows
of the config's T = ``clip_len`` frames on the 2.5-FPS grid (stride T/2 by default), decoded
with the config's own transforms even when its pipeline reads a frame cache; audio is read only
when the model has an audio encoder (:mod:`mmvicokd.apis.recording_inference`).

The scores are sigmoids of a ranking loss's logits: they order classes, they are not
probabilities. Decisions need thresholds: those ``tools/calibrate.py`` stored with CKPT (its
meta, else ``thresholds.json`` beside it; :mod:`mmvicokd.experiments.run_thresholds`), or one
value for every class with ``--threshold X`` (which wins). Frame t shows class c iff its score
is >= the class's threshold; a detected segment is a run of such frames
(:mod:`mmvicokd.apis.action_segments`), decided on the scores as written to the JSON. Without
thresholds the console and the JSON say so and no segment is written. (Calibration reads the
frame scores of the test pipeline's clips of T frames; here a frame's score is the mean over the
windows of T frames that show it: the same model's scores of the same kind, pooled over
overlapping windows.)

Writes, atomically, ``DIR/<name>.json`` with ``classes`` (C), ``times`` (T_full, seconds of the
grid frames), ``frame_scores`` (T_full x C: mean over the windows showing the frame, 5
decimals), ``seq_scores`` (C: max over windows of each window's sequence score, since a
recording's label is the union of its actions), ``seq_rank`` (the classes by decreasing
``seq_scores``), ``score_meaning`` (what the scores mean here), ``thresholds`` (C, null = never
detected; null without thresholds), ``thresholds_source``, ``segments`` (``label``, ``start``,
``end`` in s, ``peak`` score; null without thresholds), ``truth`` (the annotated tricks, when
the recording comes from an annotation file: ``--recording``, or ``--ann-file`` with
``--videos``), ``views``, ``videos``, the windows used and the pooling rules; and
``DIR/<name>.png``, the timeline (:mod:`mmvicokd.visualization.timeline`: scores against each
class's threshold with the segments outlined, and hits, misses and false alarms against the
ground truth when there is one). ``<name>`` is ``--name``, else the recording id (the first
video's name without ``-View1``), with ``/`` replaced by ``_``.
"""
import argparse
import os.path as osp
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Score a whole multi-view recording')
    parser.add_argument('config', help='the model\'s config file')
    parser.add_argument('checkpoint', help='recognizer or distiller checkpoint')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--videos', nargs='+', help='one mp4 per view, in view order')
    source.add_argument('--recording', help='recording id of an annotation file entry')
    parser.add_argument('--ann-file', help='annotation file of --recording (default: the '
                        'config\'s test set); with --videos, the ground truth of the timeline')
    parser.add_argument('--data-root', help='data root of --recording (default: the config\'s)')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--name', help='output file name (default: the recording id)')
    parser.add_argument('--stride', type=int, help='grid frames between windows (default T/2)')
    parser.add_argument('--batch-size', type=int, default=4, help='windows per forward pass')
    parser.add_argument('--top-k', type=int, default=3, help='classes labelled on the timeline')
    parser.add_argument('--threshold', type=float, help='one frame threshold for every class '
                        '(in (0, 1]), instead of the calibrated ones stored with CKPT')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    return parser.parse_args(argv)


def decision_thresholds(args, classes):
    """``(thresholds (C,) or None, where they come from or None)``."""
    import numpy as np

    from mmvicokd.evaluation.threshold_record import record_thresholds
    from mmvicokd.experiments.run_thresholds import stored_thresholds

    if args.threshold is not None:
        return np.full(len(classes), args.threshold), '--threshold'
    found = stored_thresholds(args.checkpoint)
    if found is None:
        return None, None
    record, where = found
    return record_thresholds(record, classes, where), where


def scores_note(source, threshold) -> str:
    """What the scores of the JSON mean, given where the thresholds came from."""
    if source is None:
        return ('uncalibrated ranking scores (sigmoids of a ranking loss\'s logits): they order '
                'classes and frames, they are not probabilities; no thresholds, so no segments '
                '(tools/calibrate.py stores thresholds with the checkpoint; --threshold X sets '
                'one for every class)')
    if source == '--threshold':
        return (f'ranking scores decided at one threshold {threshold} for every class '
                '(--threshold, not calibrated): frame score >= threshold')
    return (f'ranking scores decided at per-class thresholds calibrated on a held-out split '
            f'(F1-optimal, from {source}): frame score >= threshold')


def infer(args) -> dict:
    """Run the model, decide, and write the JSON and the timeline; returns their paths."""
    import numpy as np

    from mmvicokd.apis.action_segments import detected_segments
    from mmvicokd.apis.decoding_steps import decoding_steps
    from mmvicokd.apis.model_loading import load_recognizer
    from mmvicokd.apis.recording_inference import FRAME_POOLING, SEQ_POOLING, infer_recording
    from mmvicokd.apis.recording_source import (config_classes, dataset_recording,
                                                videos_recording)
    from mmvicokd.datasets.functional import frame_labels
    from mmvicokd.utils.atomic_files import write_json
    from mmvicokd.visualization.atomic_output import save_figure
    from mmvicokd.visualization.timeline import timeline_figure

    model, cfg = load_recognizer(args.config, args.checkpoint, args.device)
    steps = decoding_steps(cfg, use_audio=model.is_teacher, where=args.config)
    classes = config_classes(cfg)
    thresholds, source = decision_thresholds(args, classes)
    if args.recording:
        info = dataset_recording(cfg, args.recording, args.ann_file, args.data_root)
    else:
        info = videos_recording(cfg, args.videos, steps.fps)
        if args.ann_file:
            info['tricks'] = dataset_recording(cfg, info['recording_id'], args.ann_file)['tricks']
    print(f'[infer] {info["recording_id"]}: {len(info["filenames"])} views, T={steps.clip_len}'
          f' frames per window, audio {"used" if steps.audio else "not used"}')
    if source is None:
        print(f'[infer] {args.checkpoint} has no calibrated thresholds: the scores only rank '
              'classes (not probabilities) and no segments are written; run '
              'tools/calibrate.py on a held-out split, or give --threshold X')
    else:
        print(f'[infer] thresholds from {source}')
    result = infer_recording(model, steps, info, batch_size=args.batch_size,
                             stride=args.stride)
    if result['frame_scores'].shape[1] != len(classes):
        raise ValueError(f'the model scores {result["frame_scores"].shape[1]} classes but the '
                         f'config names {len(classes)}')
    times = (np.arange(result['num_frames']) / steps.fps).round(3).tolist()
    frame_scores = result['frame_scores'].astype(np.float64).round(5)
    seq_scores = result['seq_scores'].astype(np.float64).round(5)
    name = (args.name or info['recording_id']).replace('/', '_')
    out = dict(
        recording=info['recording_id'], config=args.config, checkpoint=args.checkpoint,
        videos=info['filenames'], views=info['views'], classes=classes, fps=steps.fps,
        duration=round(result['duration'], 3), times=times,
        score_meaning=scores_note(source, args.threshold),
        frame_scores=frame_scores.tolist(), seq_scores=seq_scores.tolist(),
        seq_rank=[classes[i] for i in np.argsort(-seq_scores, kind='stable')],
        thresholds=None if thresholds is None else
        [None if np.isinf(t) else float(t) for t in thresholds],
        thresholds_source=source,
        segments=None if thresholds is None else
        detected_segments(times, frame_scores, thresholds, classes),
        windows=dict(clip_len=steps.clip_len, stride=result['stride'],
                     starts=result['windows'][:, 0].tolist(), count=len(result['windows'])),
        pooling=dict(frame_scores=FRAME_POOLING, seq_scores=SEQ_POOLING),
        audio_used=steps.audio is not None)
    truth = None
    if 'tricks' in info:
        out['truth'] = [dict(labels=[classes[c] for c in trick['labels']], start=trick['start'],
                             end=trick['end']) for trick in info['tricks']]
        truth = frame_labels(info['tricks'], len(times), len(classes), steps.fps)
    json_path = write_json(osp.join(args.out, name + '.json'), out)
    figure = timeline_figure(times, frame_scores, seq_scores, classes,
                             f'{info["recording_id"]} ({osp.basename(args.checkpoint)})',
                             top_k=args.top_k, thresholds=thresholds, truth=truth)
    png_path = save_figure(figure, osp.join(args.out, name + '.png'))
    if out['segments'] is not None:
        print(f'[infer] {len(out["segments"])} segment(s): ' + ', '.join(
            f'{s["label"]} {s["start"]:.1f}-{s["end"]:.1f} s' for s in out['segments'][:8]) +
            (' ...' if len(out['segments']) > 8 else ''))
    return dict(json=json_path, png=png_path)


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import run_tool

    if args.batch_size < 1 or (args.stride is not None and args.stride < 1):
        raise SystemExit('infer.py: error: --batch-size and --stride must be >= 1')
    if args.videos and args.data_root:
        raise SystemExit('infer.py: error: --data-root goes with --recording, not with --videos')
    if args.threshold is not None and not 0 < args.threshold <= 1:
        raise SystemExit(f'infer.py: error: --threshold must be in (0, 1] (the scores are '
                         f'sigmoids), got {args.threshold}')
    written = run_tool('infer.py', infer, args)
    print(f'[infer] wrote {written["json"]} and {written["png"]}')
    return written


if __name__ == '__main__':
    main(sys.argv[1:])
