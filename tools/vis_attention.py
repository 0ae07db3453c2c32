"""Where each model looks: visual-encoder attention on the views of one recording (Fig. 4).

    python tools/vis_attention.py CONFIG CKPT [CONFIG CKPT ...] --recording ID --out FILE.png \
        [--frames 10 40] [--labels Teacher Student ViCoKD]

Rows: the models given (e.g. the teacher, the Student and ViCoKD); columns: every view at each
of ``--frames`` (grid indices at 2.5 FPS; default the middle frame of the recording). Each cell
is the frame as the model saw it with the **last-layer CLS attention** of its timm ViT visual
encoder over it (softmax(q kᵀ·scale) of the last block recomputed from the block's own q/k,
since timm runs fused attention; the CLS query's row, averaged over heads, min-max scaled per
cell; not attention rollout; :mod:`mmvicokd.visualization.vit_attention`); a model whose
visual encoder is a CNN has no attention to show, an error naming its config. CKPT may be a
recognizer's or a distiller's checkpoint (its student is used). The recording is looked up in
the first config's test annotation file (or ``--ann-file``/``--data-root``) and decoded
directly, so configs that read a frame cache work without one. Row labels default to the method
and setting read from each config. FILE.png is written atomically.
"""
import argparse
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Attention maps of models on one recording')
    parser.add_argument('models', nargs='+', metavar='CONFIG CKPT',
                        help='pairs of config file and checkpoint, one pair per row')
    parser.add_argument('--recording', required=True, help='recording id in the test set')
    parser.add_argument('--out', required=True, help='output PNG file')
    parser.add_argument('--frames', type=int, nargs='+',
                        help='grid frame indices at 2.5 FPS (default: the middle frame)')
    parser.add_argument('--labels', nargs='+', help='row labels, one per model')
    parser.add_argument('--ann-file', help='annotation file (default: the first config\'s test '
                        'set)')
    parser.add_argument('--data-root', help='data root (default: the first config\'s)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    args = parser.parse_args(argv)
    if len(args.models) % 2:
        parser.error(f'models come as CONFIG CKPT pairs; got {len(args.models)} paths')
    args.pairs = list(zip(args.models[::2], args.models[1::2]))
    if args.labels is not None and len(args.labels) != len(args.pairs):
        parser.error(f'{len(args.labels)} --labels for {len(args.pairs)} models')
    return args


def visualise(args) -> str:
    """Compute every row and write the figure; returns the PNG path."""
    from mmvicokd.apis.attention_grid import attention_grid
    from mmvicokd.apis.model_loading import load_config
    from mmvicokd.apis.recording_source import dataset_recording
    from mmvicokd.experiments.run_info import describe_run
    from mmvicokd.visualization.atomic_output import save_figure
    from mmvicokd.visualization.attention_figure import DPI

    info = dataset_recording(load_config(args.pairs[0][0]), args.recording, args.ann_file,
                             args.data_root)
    labels = args.labels
    if labels is None:
        runs = [describe_run(load_config(config), where=config) for config, _ in args.pairs]
        labels = [f'{run.method} ({run.setting})' for run in runs]
    figure = attention_grid(args.pairs, labels, info, args.frames, args.device)
    return save_figure(figure, args.out, dpi=DPI)


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import run_tool

    path = run_tool('vis_attention.py', visualise, args)
    print(f'[vis_attention] wrote {path}')
    return path


if __name__ == '__main__':
    main(sys.argv[1:])
