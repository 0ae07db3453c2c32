"""Run a trained model on one multi-view recording, with or without annotation.

    python tools/infer.py CONFIG CKPT --videos V1.mp4 ... VN.mp4 --out DIR
    python tools/infer.py CONFIG CKPT --recording ID [--ann-file F --data-root D] --out DIR

One video per view, in view order (as many as the model's views). CKPT may be a recognizer's
or a distiller's checkpoint (its student is used). The whole recording is scored with windows
of the config's T = ``clip_len`` frames on the 2.5-FPS grid (stride T/2 by default), decoded
with the config's own transforms even when its pipeline reads a frame cache; audio is read only
when the model has an audio encoder (:mod:`mmvicokd.apis.recording_inference`).

Writes, atomically, ``DIR/<name>.json`` with ``classes`` (C), ``times`` (T_full, seconds of the
grid frames), ``frame_scores`` (T_full x C probabilities: mean over the windows showing the
frame), ``seq_scores`` (C: the recording's probabilities = max over windows of each window's
sequence score, since a recording's label is the union of its actions), ``views``, ``videos``,
the windows used and the pooling rules; and ``DIR/<name>.png``, a timeline (classes x time,
probability as colour, the top classes labelled). ``<name>`` is ``--name``, else the recording
id (the first video's name without ``-View1``), with ``/`` replaced by ``_``.
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
                        'config\'s test set)')
    parser.add_argument('--data-root', help='data root of --recording (default: the config\'s)')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--name', help='output file name (default: the recording id)')
    parser.add_argument('--stride', type=int, help='grid frames between windows (default T/2)')
    parser.add_argument('--batch-size', type=int, default=4, help='windows per forward pass')
    parser.add_argument('--top-k', type=int, default=3, help='classes labelled on the timeline')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    return parser.parse_args(argv)


def infer(args) -> dict:
    """Run the model and write the JSON and the timeline; returns their paths."""
    import numpy as np

    from mmvicokd.apis.decoding_steps import decoding_steps
    from mmvicokd.apis.model_loading import load_recognizer
    from mmvicokd.apis.recording_inference import FRAME_POOLING, SEQ_POOLING, infer_recording
    from mmvicokd.apis.recording_source import (config_classes, dataset_recording,
                                                videos_recording)
    from mmvicokd.utils.atomic_files import write_json
    from mmvicokd.visualization.atomic_output import save_figure
    from mmvicokd.visualization.timeline import timeline_figure

    model, cfg = load_recognizer(args.config, args.checkpoint, args.device)
    steps = decoding_steps(cfg, use_audio=model.is_teacher, where=args.config)
    if args.recording:
        info = dataset_recording(cfg, args.recording, args.ann_file, args.data_root)
    else:
        info = videos_recording(cfg, args.videos, steps.fps)
    classes = config_classes(cfg)
    print(f'[infer] {info["recording_id"]}: {len(info["filenames"])} views, T={steps.clip_len}'
          f' frames per window, audio {"used" if steps.audio else "not used"}')
    result = infer_recording(model, steps, info, batch_size=args.batch_size,
                             stride=args.stride)
    if result['frame_scores'].shape[1] != len(classes):
        raise ValueError(f'the model scores {result["frame_scores"].shape[1]} classes but the '
                         f'config names {len(classes)}')
    times = (np.arange(result['num_frames']) / steps.fps).round(3).tolist()
    name = (args.name or info['recording_id']).replace('/', '_')
    out = dict(
        recording=info['recording_id'], config=args.config, checkpoint=args.checkpoint,
        videos=info['filenames'], views=info['views'], classes=classes, fps=steps.fps,
        duration=round(result['duration'], 3), times=times,
        frame_scores=result['frame_scores'].astype(np.float64).round(5).tolist(),
        seq_scores=result['seq_scores'].astype(np.float64).round(5).tolist(),
        windows=dict(clip_len=steps.clip_len, stride=result['stride'],
                     starts=result['windows'][:, 0].tolist(), count=len(result['windows'])),
        pooling=dict(frame_scores=FRAME_POOLING, seq_scores=SEQ_POOLING),
        audio_used=steps.audio is not None)
    json_path = write_json(osp.join(args.out, name + '.json'), out)
    figure = timeline_figure(times, result['frame_scores'], result['seq_scores'], classes,
                             f'{info["recording_id"]} ({osp.basename(args.checkpoint)})',
                             top_k=args.top_k)
    png_path = save_figure(figure, osp.join(args.out, name + '.png'))
    return dict(json=json_path, png=png_path)


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import run_tool

    if args.batch_size < 1 or (args.stride is not None and args.stride < 1):
        raise SystemExit('infer.py: error: --batch-size and --stride must be >= 1')
    if args.videos and (args.ann_file or args.data_root):
        raise SystemExit('infer.py: error: --ann-file and --data-root go with --recording, '
                         'not with --videos')
    written = run_tool('infer.py', infer, args)
    print(f'[infer] wrote {written["json"]} and {written["png"]}')
    return written


if __name__ == '__main__':
    main(sys.argv[1:])
