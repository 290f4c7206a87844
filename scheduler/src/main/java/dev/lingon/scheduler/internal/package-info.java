/** The vCPU-thread kernel; see {@link dev.lingon.scheduler.internal.VcpuKernel}. Not for use outside this module. */
package dev.lingon.scheduler.internal;
