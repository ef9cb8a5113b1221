#include "engine/format/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/format/format_text.h"
#include "engine/format/safetensors_header.h"

namespace slipway::engine {
namespace {

using format_text::fail;

// Closes the descriptor on every path out of open(); the mapping outlives it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

uint64_t read_le64(const unsigned char* p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

}  // namespace

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    fail(path, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path, "not a regular file");
  auto size = static_cast<std::size_t>(info.st_size);
  if (size < 8) fail(path, "file of " + std::to_string(size) + " bytes is too short for a header");

  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (mapping == MAP_FAILED) fail(path, std::string("cannot map: ") + std::strerror(errno));
  file->mapping_ = mapping;  // from here the destructor unmaps, also when parsing throws
  file->mapping_size_ = size;
  ::madvise(mapping, size, MADV_WILLNEED);

  const auto* bytes = static_cast<const unsigned char*>(mapping);
  uint64_t header_size = read_le64(bytes);
  if (header_size > size - 8) {
    fail(path, "header length " + std::to_string(header_size) + " is beyond the file size " +
                   std::to_string(size));
  }
  std::string_view header_text(reinterpret_cast<const char*>(bytes + 8),
                               static_cast<std::size_t>(header_size));
  std::size_t data_start = 8 + static_cast<std::size_t>(header_size);
  SafetensorsHeader header =
      parse_safetensors_header(header_text, data_start, size - data_start, path);

  const auto* data = reinterpret_cast<const std::byte*>(bytes + data_start);
  for (auto& entry : header.entries) {
    TensorView view;
    view.name = entry.name;
    view.dtype = entry.dtype;
    view.shape = std::move(entry.shape);
    view.data = data + entry.begin;
    view.nbytes = entry.end - entry.begin;
    file->tensors_.emplace(entry.name, std::move(view));
  }
  file->metadata_ = std::move(header.metadata);
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

}  // namespace slipway::engine
