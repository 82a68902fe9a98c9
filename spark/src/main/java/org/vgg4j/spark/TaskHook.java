package org.vgg4j.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * Runs at the start of every task of a vgg4j job, on the executor (tests inject failures with it); the default does
 * nothing.
 */
@FunctionalInterface
interface TaskHook extends Serializable {

    TaskHook NONE = context -> { };

    void atTaskStart(TaskContext context);
}
