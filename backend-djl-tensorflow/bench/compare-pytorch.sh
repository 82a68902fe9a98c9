#!/usr/bin/env bash
# Times one Adam training step of narrow VGG-11 on the pytorch and tensorflow backends in one JVM (rounds interleaved).
# Usage, from the repository root, after `mvn -o -pl backend-djl-tensorflow,backend-djl-pytorch -am test-compile`:
#   backend-djl-tensorflow/bench/compare-pytorch.sh [sizes] [rounds]     sizes like 32:128:10,224:64:3 (size:batch:steps)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -o -pl backend-djl-pytorch dependency:build-classpath -Dmdep.outputFile=target-pt.cp -Dmdep.includeScope=test >/dev/null
mvn -q -o -pl backend-djl-tensorflow dependency:build-classpath -Dmdep.outputFile=target-tf.cp -Dmdep.includeScope=test >/dev/null
CP="backend-djl-tensorflow/target/classes:backend-djl-pytorch/target/classes:$(cat backend-djl-tensorflow/target-tf.cp):$(cat backend-djl-pytorch/target-pt.cp)"
rm -f backend-djl-tensorflow/target-tf.cp backend-djl-pytorch/target-pt.cp
exec java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dvgg4j.tensorflow.native.cache=backend-djl-tensorflow/target/tf-native-cache \
  -cp "$CP" backend-djl-tensorflow/bench/CompareWithPytorch.java "$@"
