#include "aws/runtime.hpp"

#include <sys/stat.h>

#include <fstream>

namespace bedrock_reach {

std::string detect_runtime(const Environment& env, const RuntimeFiles& files) {
  auto set = [&](const char* name) {
    auto value = env.get(name);
    return value && !value->empty();
  };
  if (set("ECS_CONTAINER_METADATA_URI_V4") || set("ECS_CONTAINER_METADATA_URI") ||
      env.get("AWS_EXECUTION_ENV").value_or("").rfind("AWS_ECS", 0) == 0) {
    return "ecs";
  }
  if (set("KUBERNETES_SERVICE_HOST") || files.cgroup.find("kubepods") != std::string::npos) {
    return "kubernetes";
  }
  if (files.dockerenv || files.cgroup.find("docker") != std::string::npos ||
      files.cgroup.find("containerd") != std::string::npos) {
    return "docker";
  }
  return "host";
}

RuntimeFiles read_runtime_files() {
  RuntimeFiles files;
  struct stat st {};
  files.dockerenv = ::stat("/.dockerenv", &st) == 0;
  std::ifstream in("/proc/self/cgroup", std::ios::binary);
  if (in) {
    files.cgroup.resize(64 * 1024);
    in.read(files.cgroup.data(), static_cast<std::streamsize>(files.cgroup.size()));
    files.cgroup.resize(static_cast<std::size_t>(in.gcount()));
  }
  return files;
}

}  // namespace bedrock_reach
