/* test_record: model.json round trips bit for bit and rejects malformed files; atomic
 * files; SHA-256 against the FIPS 180-4 examples. */
#include "nnlab/init.h"
#include "nnlab/record.h"
#include "nnlab/sha256.h"
#include "nnlab/spec.h"
#include "t.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    char hex[65];
    nn_sha256_hex("abc", 3, hex);
    T_CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "%s", hex);
    nn_sha256_hex("", 0, hex);
    T_CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "%s", hex);
    const char *m56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    nn_sha256_hex(m56, strlen(m56), hex);
    T_CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "%s", hex);

    char dir[] = "/tmp/nnlab-test-record-XXXXXX", path[600], label[NN_LABEL_MAX + 1];
    T_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    nn_err e;
    const nn_arch archs[] = {
        {.n_in = 2, .n_hidden = 2, .hidden = {5, 2}, .n_out = 1, .act = NN_ACT_LEAKY_RELU,
         .slope = 0.03, .out_act = NN_ACT_SIGMOID, .bias = true, .output_bias = false},
        {.n_in = 3, .n_hidden = 0, .n_out = 1, .act = NN_ACT_TANH, .out_act = NN_ACT_IDENTITY,
         .bias = false, .output_bias = true},
    };
    for (int k = 0; k < 2; k++) {
        nn_model *m = nn_model_create(&archs[k], &e);
        nn_init_cfg ic = {.scheme = NN_INIT_TORCH, .dist = NN_DIST_UNIFORM, .gain = 1, .redraw_tol = -1};
        nn_rng r;
        nn_rng_seed(&r, 11);
        nn_init_model(m, &ic, &r, NULL, &e);
        m->params[0] = 1.0 / 3.0;             /* needs all 17 digits */
        double mean[3] = {0.1, -2, 1e-300}, sd[3] = {3, 0.5, 7};
        nn_model_set_norm(m, mean, sd, &e);
        snprintf(path, sizeof path, "%s/m%d.json", dir, k);
        T_CHECK(nn_model_save(m, "relu-he", path, &e) == NN_OK, "%s", e.msg);
        nn_model *b = nn_model_load(path, label, &e);
        T_CHECK(b != NULL, "load: %s", e.msg);
        if (b) {
            T_CHECK(!strcmp(label, "relu-he"), "label %s", label);
            T_CHECK(b->n_params == m->n_params && b->L == m->L, "shape");
            size_t bad = 0;
            for (size_t i = 0; i < m->n_params; i++)
                bad += b->params[i] != m->params[i];
            T_CHECK(bad == 0, "%zu parameters changed in a round trip", bad);
            T_CHECK(b->arch.act == m->arch.act && b->arch.slope == m->arch.slope &&
                    b->arch.bias == m->arch.bias && b->arch.output_bias == m->arch.output_bias &&
                    b->arch.out_act == m->arch.out_act, "architecture");
            T_CHECK(b->normalized && b->norm_mean[0] == 0.1 && b->norm_std[1] == 0.5 &&
                    (k == 0 || b->norm_mean[2] == 1e-300), "normalisation");
        }
        nn_model_free(b);
        nn_model_free(m);
    }
    /* malformed model files: each is refused with a reason, never a crash */
    const char *bad[] = {
        "", "[]", "{\"format\": \"other\", \"version\": 1}",
        "{\"format\": \"nnlab-model\", \"version\": 2}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 0, \"outputs\": 1}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, \"hidden\": [1e9]}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, \"hidden\": [], "
        "\"activation\": \"relu\", \"output\": \"sigmoid\", \"bias\": false, \"output_bias\": false, "
        "\"layers\": [{\"weights\": [[1, 2, 3]]}]}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, \"hidden\": [], "
        "\"activation\": \"relu\", \"output\": \"sigmoid\", \"bias\": false, \"output_bias\": false, "
        "\"layers\": [{\"weights\": [[1, \"x\"]]}]}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, \"hidden\": [], "
        "\"activation\": \"relu\", \"output\": \"sigmoid\", \"bias\": false, \"output_bias\": false, "
        "\"layers\": [{\"weights\": [[1, 2]], \"bias\": [1]}]}",
        "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, \"hidden\": [], "
        "\"activation\": \"relu\", \"output\": \"sigmoid\", \"bias\": false, \"output_bias\": false, "
        "\"layers\": [{\"weights\": [[1, 2]]}], \"normalization\": {\"mean\": [0, 0], \"std\": [1, 0]}}",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(path, sizeof path, "%s/bad%zu.json", dir, k);
        write_file(path, bad[k]);
        nn_model *m = nn_model_load(path, NULL, &e);
        T_CHECK(m == NULL && e.code == NN_ESPEC && strstr(e.where, path), "bad model %zu accepted", k);
        nn_model_free(m);
        unlink(path);
    }
    /* the good minimal one loads */
    snprintf(path, sizeof path, "%s/ok.json", dir);
    write_file(path, "{\"format\": \"nnlab-model\", \"version\": 1, \"inputs\": 2, \"outputs\": 1, "
                     "\"hidden\": [], \"activation\": \"relu\", \"output\": \"sigmoid\", \"bias\": false, "
                     "\"output_bias\": false, \"layers\": [{\"weights\": [[1, 2]]}]}");
    nn_model *ok = nn_model_load(path, NULL, &e);
    T_CHECK(ok && ok->params[1] == 2, "minimal model");
    nn_model_free(ok);
    unlink(path);

    /* an aborted file leaves nothing; a committed one appears whole */
    nn_file w;
    snprintf(path, sizeof path, "%s/a.csv", dir);
    nn_file_open(&w, path, &e);
    fputs("half", w.f);
    T_CHECK(!nn_path_exists(path), "visible before commit");
    nn_file_abort(&w);
    T_CHECK(!nn_path_exists(path) && !nn_path_exists(w.tmp), "abort left a file");
    nn_file_open(&w, path, &e);
    fputs("whole\n", w.f);
    T_CHECK(nn_file_commit(&w, &e) == NN_OK && nn_path_exists(path) && !nn_path_exists(w.tmp), "commit");
    /* a write that fails is reported, and nothing is left under the final name */
    /* (through a link: the failed commit unlinks its temporary name, and that must not be
     * /dev/full itself, which a test running as root would delete) */
    snprintf(w.final, sizeof w.final, "%s/full.csv", dir);
    snprintf(w.tmp, sizeof w.tmp, "%s/full.csv.part", dir);
    struct stat dev;
    w.f = stat("/dev/full", &dev) == 0 && S_ISCHR(dev.st_mode) && symlink("/dev/full", w.tmp) == 0
              ? fopen(w.tmp, "w")
              : NULL;
    if (w.f) {
        for (int i = 0; i < 10000; i++)
            fputs("0123456789", w.f);
        T_CHECK(nn_file_commit(&w, &e) == NN_EIO, "write to a full disk reported as success");
        snprintf(path, sizeof path, "%s/full.csv", dir);
        T_CHECK(!nn_path_exists(path), "failed file presented as complete");
    }
    /* run directories: never reused without force, force only over nnlab runs */
    snprintf(path, sizeof path, "%s/run", dir);
    T_CHECK(nn_rundir_create(path, false, NULL, &e) == NN_OK, "%s", e.msg);
    T_CHECK(nn_rundir_create(path, false, NULL, &e) == NN_EUSAGE, "existing run reused");
    char f2[700];
    snprintf(f2, sizeof f2, "%s/precious.txt", path);
    write_file(f2, "keep me");
    T_CHECK(nn_rundir_check(path, true, &e) == NN_EUSAGE && nn_path_exists(f2),
            "--force over a folder that is not a run");
    snprintf(f2, sizeof f2, "%s/manifest.json", path);
    write_file(f2, "{}");   /* any manifest.json (a web app's) does not make a run */
    T_CHECK(nn_rundir_check(path, true, &e) == NN_EUSAGE, "--force over a non-nnlab manifest");
    write_file(f2, "{\"nnlab_version\": \"0.1.0\", \"spec_sha256\": \"ab\"}");
    T_CHECK(nn_rundir_create(path, true, NULL, &e) == NN_OK && !nn_path_exists(f2), "--force over a run");
    /* never ".", "..", "/" or the folder holding the working directory */
    char norm[100];
    T_CHECK(nn_rundir_normalize(norm, sizeof norm, ".", &e) == NN_EUSAGE, ". accepted");
    T_CHECK(nn_rundir_normalize(norm, sizeof norm, "a/..", &e) == NN_EUSAGE, ".. accepted");
    T_CHECK(nn_rundir_normalize(norm, sizeof norm, "/", &e) == NN_EUSAGE, "/ accepted");
    T_CHECK(nn_rundir_normalize(norm, sizeof norm, "runs/x//", &e) == NN_OK && !strcmp(norm, "runs/x"),
            "trailing slashes: %s", norm);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    T_CHECK(system(cmd) == 0, "cleanup");
    return T_DONE("test_record");
}
