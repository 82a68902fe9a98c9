#!/usr/bin/env bash
# Runs a program of this directory with the tensorflow and pytorch backends (and core's test fixtures) on the class path.
# Usage, from the repository root, after both backend modules are compiled (`mvn -o -pl <module> test-compile`):
#   backend-djl-tensorflow/bench/run-with-pytorch.sh CompareWithPytorch.java [sizes] [rounds]
#       step time on both backends, rounds interleaved; sizes like 32:128:10,224:64:3 (size:batch:steps)
#   backend-djl-tensorflow/bench/run-with-pytorch.sh AgreeWithPytorch.java
#       logits, loss, gradients and the loss after one Adam step, compared between the two backends
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -o -pl backend-djl-pytorch dependency:build-classpath -Dmdep.outputFile=target-pt.cp -Dmdep.includeScope=test >/dev/null
mvn -q -o -pl backend-djl-tensorflow dependency:build-classpath -Dmdep.outputFile=target-tf.cp -Dmdep.includeScope=test >/dev/null
CP="backend-djl-tensorflow/target/classes:backend-djl-pytorch/target/classes:$(cat backend-djl-tensorflow/target-tf.cp):$(cat backend-djl-pytorch/target-pt.cp)"
rm -f backend-djl-tensorflow/target-tf.cp backend-djl-pytorch/target-pt.cp
exec java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dvgg4j.tensorflow.native.cache=backend-djl-tensorflow/target/tf-native-cache \
  -cp "$CP" "backend-djl-tensorflow/bench/$1" "${@:2}"
