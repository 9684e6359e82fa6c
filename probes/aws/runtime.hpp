#pragma once
// Where the check runs (issue 16): on the host, in a Docker container, an ECS task or a Kubernetes
// pod. It decides which credentials the application really has and why IMDS may be one hop away.
#include <string>

#include "bedrock_reach/environment.hpp"

namespace bedrock_reach {

struct RuntimeFiles {
  bool dockerenv = false;  // /.dockerenv exists (Docker creates it in every container)
  std::string cgroup;      // /proc/self/cgroup, capped
};

/// ecs: ECS_CONTAINER_METADATA_URI(_V4) or AWS_EXECUTION_ENV=AWS_ECS_*; kubernetes:
/// KUBERNETES_SERVICE_HOST or a kubepods cgroup; docker: /.dockerenv or a docker/containerd
/// cgroup; else host. Pure.
std::string detect_runtime(const Environment& env, const RuntimeFiles& files);

/// Reads /.dockerenv and /proc/self/cgroup (at most 64 KiB). Thin adapter.
RuntimeFiles read_runtime_files();

}  // namespace bedrock_reach
