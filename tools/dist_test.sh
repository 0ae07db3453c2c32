#!/usr/bin/env bash
# Usage: bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py args...]
# On CPU-only machines add: --cfg-options env_cfg.dist_cfg.backend=gloo
# Several nodes: run the same command on every node with the environment variables
#   NNODES       number of nodes (default 1)
#   NODE_RANK    this node's index, 0 .. NNODES-1 (default 0)
#   MASTER_ADDR  address of node 0, reachable from every node (default 127.0.0.1)
#   PORT         a free port on node 0 (default 29500)
# e.g. on two nodes of 8 GPUs (16 processes):
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 bash tools/dist_test.sh CONFIG CKPT 8   # node 0
#   NNODES=2 NODE_RANK=1 MASTER_ADDR=10.0.0.1 bash tools/dist_test.sh CONFIG CKPT 8   # node 1
# PYTHON picks the interpreter (default: python on PATH).
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NPROCS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python}
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROCS" --master_port="$PORT" \
    "$HERE/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
