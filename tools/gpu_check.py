"""One prepared GPU check: the paper's batch, bf16 vs fp32, data vs compute, inference, NCCL.

    python tools/gpu_check.py --out DIR [--device {cuda,cpu}] [--tiny] [--only N [N ...]]

Measures, on one GPU (minutes; no network: the weight files are written locally, in the layouts
users download, by the pretrained-step benchmark's writer):

1. the paper's batch: training steps of the real-size Home-1 teacher (ViT-S/32 at 224 px +
   AST-base, MultiASL) and ViCoKD V_F distiller at 12 x 5 views x 70 frames with the configs'
   ``with_cp``, in bf16 autocast, then in float32 where it fits (else where it ran out of memory):
   median s/step over 5 steps after 2 warm-up steps, ``torch.cuda.max_memory_allocated``;
2. bf16 vs fp32: from the same initial weights, 10 steps each over the same 3 batches: the
   largest relative difference of the logged losses and any non-finite value;
3. data vs compute: samples/s of the Home-1 training loader on a generated real-format set
   (5 views, 320x240 H.264 + AAC, 30-s recordings), decoding and from the JPEG frame cache, with
   0, 4, 8 and all-core workers, beside section 1's bf16 step; from these, the cores per GPU
   each path needs (CPU seconds a sample x samples a second the step takes);
4. student inference: clips/s at batch 1 and 12 in bf16;
5. the launcher: ``bash tools/dist_train.sh CONFIG 1`` on the tiny synthetic set through NCCL
   (``--device cpu``: gloo, and the JSON says NCCL was skipped).

``--tiny``: one encoder block (real widths), batches of 1 clip of 2 frames (inference: 1 and
2), 2-s 64x48 recordings, loaders with 0 and all-core workers, 1 timed step: the same code
paths in under a minute on 2 CPU cores (the tests run ``--tiny --device cpu``). ``--only 1 3`` runs those
sections (section 3 takes its step rate from section 1 of the same run). One progress line is
printed per section; ``DIR/gpu_check.json`` and ``DIR/gpu_check.md`` (one table of every
measurement) are written atomically after each section. The code: mmvicokd/experiments/gpu_check/.

JSON schema (``DIR/gpu_check.json``). Units: seconds (``_s``), GiB = 2**30 bytes (``_gib``),
MiB (``_mib``); rates per second. ``[]`` marks a list of objects. A null number was not measured
(memory on the CPU, a time where the device ran out of memory). NaN and infinities are written as
the strings ``'nan'``, ``'inf'``, ``'-inf'``. An ``oom`` is null, or the out-of-memory point:
``{call: 'warm-up 1' | 'timed 3' | ..., message: torch's first line, max_memory_allocated_gib}``.

    schema                                    1
    command                                   the command line
    tiny                                      whether the --tiny sizes ran
    sections                                  the section numbers run
    wall_s                                    the whole check so far
    environment.device                        'cuda' or 'cpu'
    environment.device_name                   GPU name (CPU: the processor)
    environment.device_memory_gib             the GPU's memory (CPU: null)
    environment.torch                         torch version
    environment.cuda                          CUDA version torch was built with (null: none)
    environment.cudnn                         cuDNN version (CPU: null)
    environment.python                        Python version
    environment.cpu_count                     CPU cores of the machine
    environment.shm_gib                       size of /dev/shm, where loader workers hand batches
        over (null: none)
    environment.date                          start, ISO 8601 UTC
    environment.commit                        git commit of the checkout (null: none)
    environment.dirty                         whether tracked files had uncommitted changes
    paper_batch.batch                         [B, V, T] of the training batch
    paper_batch.depth                         encoder blocks (null: the configs' 12)
    paper_batch.warmup_steps                  untimed steps first
    paper_batch.timed_steps                   timed steps (the median is reported)
    paper_batch.weight_files                  {vit, ast}: the weight-file layouts loaded
    paper_batch.models[].model                'teacher' or 'vicokd'
    paper_batch.models[].with_cp              whether the trained encoders checkpoint blocks
    paper_batch.models[].load_s               build + load the weight files
    paper_batch.models[].params_m             parameters, millions
    paper_batch.models[].trainable_m          trainable parameters, millions
    paper_batch.rows[].model                  'teacher' or 'vicokd'
    paper_batch.rows[].precision              'bf16' (autocast) or 'fp32'
    paper_batch.rows[].status                 'ok' or 'out of memory'
    paper_batch.rows[].step_s                 each timed step
    paper_batch.rows[].median_s_per_step      median of step_s
    paper_batch.rows[].samples_per_s          B / median_s_per_step
    paper_batch.rows[].max_memory_allocated_gib  peak over warm-up and timed steps
    paper_batch.rows[].oom                    out-of-memory point or null
    paper_batch.wall_s                        the section
    bf16_vs_fp32.batch                        [B, V, T] of each batch
    bf16_vs_fp32.depth                        encoder blocks (null: the configs' 12)
    bf16_vs_fp32.steps                        steps per precision
    bf16_vs_fp32.batches                      distinct batches, cycled
    bf16_vs_fp32.max_rel_diff                 largest over the models (null: none compared)
    bf16_vs_fp32.any_non_finite               whether any logged loss was NaN or infinite
    bf16_vs_fp32.models[].model               'teacher' or 'vicokd'
    bf16_vs_fp32.models[].steps_done          {fp32, bf16}: steps that finished
    bf16_vs_fp32.models[].oom                 {fp32, bf16}: out-of-memory point or null
    bf16_vs_fp32.models[].losses              {fp32, bf16}: per step, {loss name: value}
    bf16_vs_fp32.models[].non_finite          [{precision, step, key}] of NaN/infinite losses
    bf16_vs_fp32.models[].max_rel_diff        max |bf16 - fp32| / |fp32| over steps and losses
    bf16_vs_fp32.models[].max_rel_diff_step   its step (0-based)
    bf16_vs_fp32.models[].max_rel_diff_key    its loss name
    bf16_vs_fp32.models[].max_rel_diff_per_key  {loss name: largest relative difference}
    bf16_vs_fp32.wall_s                       the section
    data_vs_compute.recordings                recordings of the generated set
    data_vs_compute.views                     views per recording
    data_vs_compute.duration_s                length of a recording
    data_vs_compute.fps                       native video frame rate
    data_vs_compute.width                     frame width, pixels
    data_vs_compute.height                    frame height, pixels
    data_vs_compute.audio_rate                AAC sample rate, Hz
    data_vs_compute.clip_len                  frames a sample holds (T)
    data_vs_compute.loader_batch              samples per loader batch
    data_vs_compute.cpu_count                 CPU cores of the machine ("all-core" workers)
    data_vs_compute.write_s                   writing the recording
    data_vs_compute.cache.build_s             building the JPEG frame cache (all cores)
    data_vs_compute.cache.disk_mib            its size
    data_vs_compute.cache.resize              its frame side, pixels
    data_vs_compute.cache.frame_format        'jpeg'
    data_vs_compute.cache.fbank_dtype         'float16'
    data_vs_compute.rows[].path               'decode' or 'jpeg_cache'
    data_vs_compute.rows[].workers            DataLoader num_workers
    data_vs_compute.rows[].batches            timed batches
    data_vs_compute.rows[].samples            samples in them
    data_vs_compute.rows[].seconds            their time
    data_vs_compute.rows[].samples_per_s      samples / seconds
    data_vs_compute.rows[].main_cpu_s_per_sample  main process CPU seconds per sample
    data_vs_compute.step_samples_per_s        {model: samples/s} of section 1's bf16 step; null
        when section 1 did not run
    data_vs_compute.derived[].path            'decode' or 'jpeg_cache'
    data_vs_compute.derived[].model           the step it feeds: 'teacher' or 'vicokd'
    data_vs_compute.derived[].step_samples_per_s  samples/s of that step
    data_vs_compute.derived[].cpu_s_per_sample  CPU seconds a sample costs (the 0-worker run)
    data_vs_compute.derived[].cores_per_gpu   step_samples_per_s x cpu_s_per_sample
    data_vs_compute.derived[].workers_enough  fewest measured workers >= 1 that kept up (null:
        none did)
    data_vs_compute.wall_s                    the section
    inference.model                           'student'
    inference.config                          its config under configs/
    inference.precision                       'bf16' (autocast)
    inference.views                           views per clip
    inference.frames                          frames per view (T)
    inference.depth                           encoder blocks (null: the configs' 12)
    inference.rows[].batch                    clips per call
    inference.rows[].median_s                 median seconds per call
    inference.rows[].clips_per_s              batch / median_s
    inference.rows[].max_memory_allocated_gib  peak (CPU: null)
    inference.rows[].oom                      out-of-memory point or null
    inference.wall_s                          the section
    launcher.command                          the dist_train.sh command line
    launcher.processes                        processes started (1)
    launcher.epochs                           training epochs
    launcher.run_s                            the launcher run, start to exit
    launcher.nccl                             whether the run used NCCL
    launcher.nccl_skipped                     why not (null when it did)
    launcher.backend                          the backend of the run's dumped config
    launcher.world_size                       processes tools/train.py logged
    launcher.train_steps                      training steps logged
    launcher.last_loss                        the last logged loss
    launcher.loss_finite                      whether it is finite
    launcher.checkpoint                       whether the last epoch's checkpoint was written
    launcher.wall_s                           the section (with the tiny set's generation)

Markdown (``DIR/gpu_check.md``): the environment in one line, then a table of section,
measurement and value, one row per number above that a reader compares.
"""
import argparse
import os.path as osp
import shlex
import sys

from mmvicokd.experiments.gpu_check.check_run import SECTIONS, run_check
from mmvicokd.experiments.gpu_check.environment import DEVICES, cuda_missing

TOOLS = osp.dirname(osp.abspath(__file__))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', required=True,
                        help='folder for gpu_check.json and gpu_check.md')
    parser.add_argument('--device', choices=DEVICES, default='cuda',
                        help='where the models run (default: cuda)')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny sizes: the same code paths in seconds (for tests)')
    parser.add_argument('--only', nargs='+', type=int, choices=sorted(SECTIONS),
                        default=sorted(SECTIONS), metavar='N',
                        help='run these sections (1-5; default: all)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    missing = cuda_missing(args.device)
    if missing:
        print(f'gpu_check: {missing}', file=sys.stderr)
        return 2
    run_check(args.out, args.device, args.tiny, args.only,
              dist_train=osp.join(TOOLS, 'dist_train.sh'), repo=osp.dirname(TOOLS),
              command=shlex.join(['python', 'tools/gpu_check.py', *argv]))
    print(f'[gpu_check] wrote {osp.join(args.out, "gpu_check.json")} and gpu_check.md')
    return 0


if __name__ == '__main__':
    sys.exit(main())
