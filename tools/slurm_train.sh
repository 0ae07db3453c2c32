#!/usr/bin/env bash
# Usage: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args...]
# Starts GPUS processes of tools/train.py --launcher slurm with srun, environment variables:
#   GPUS           number of processes (GPUs) in all (default 8)
#   GPUS_PER_NODE  processes (GPUs) a node (default 8); GPUS / GPUS_PER_NODE nodes
#   CPUS_PER_TASK  CPU cores a process (default 5)
#   SRUN_ARGS      more srun options, e.g. "--quotatype=auto" or "-w node1" (default none)
#   MASTER_PORT    rendezvous port on the first node (default 29500); MASTER_ADDR overrides
#                  that node's address (default: the first host of the job's node list)
# e.g. on two nodes of 8 GPUs (16 processes; the batch per process stays the config's):
#   GPUS=16 bash tools/slurm_train.sh PARTITION vicokd CONFIG --work-dir work_dirs/vicokd
# PYTHON picks the interpreter (default: python on PATH).
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python}
# SRUN_ARGS is split into words on purpose.
# shellcheck disable=SC2086
exec srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 $SRUN_ARGS \
    "$PYTHON" -u "$HERE/train.py" "$CONFIG" --launcher slurm "${@:4}"
