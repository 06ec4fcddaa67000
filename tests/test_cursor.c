/* test_cursor.c - the bounded reader. */
#include "testutil.h"

#include "cursor.h"

#include <stdlib.h>
#include <string.h>

static void test_getters(void **state)
{
    (void)state;
    const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                         0x09, 0x0a};
    struct td_cur c;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    td_cur_init(&c, b, sizeof(b), 100);
    assert_true(td_cur_u8(&c, &u8));
    assert_int_equal(u8, 0x01);
    assert_true(td_cur_u16(&c, &u16));
    assert_int_equal(u16, 0x0203);
    assert_true(td_cur_u24(&c, &u32));
    assert_int_equal(u32, 0x040506);
    assert_true(td_cur_u32(&c, &u32));
    assert_int_equal(u32, 0x0708090a);
    assert_int_equal(td_cur_pos(&c), 110);
    assert_true(td_cur_end(&c));
    assert_false(td_cur_u8(&c, &u8));
    assert_true(c.failed);
    assert_int_equal(c.fail_off, 110);
    assert_int_equal(c.fail_need, 1);
}

static void test_short_reads_leave_output(void **state)
{
    (void)state;
    const uint8_t b[] = {0xaa, 0xbb};
    struct td_cur c;
    uint32_t v = 0x12345678;
    td_cur_init(&c, b, sizeof(b), 0);
    assert_false(td_cur_u24(&c, &v));
    assert_int_equal(v, 0x12345678);       /* untouched */
    assert_int_equal(c.off, 0);            /* nothing consumed */
    /* The first failure is kept. */
    td_cur_skip(&c, 1);
    assert_false(td_cur_u16(&c, (uint16_t *)&v));
    assert_int_equal(c.fail_off, 0);
    assert_int_equal(c.fail_need, 3);
}

static void test_vec(void **state)
{
    (void)state;
    /* 2-byte length 3, body 01 02 03, then 00 */
    const uint8_t b[] = {0x00, 0x03, 0x01, 0x02, 0x03, 0x00};
    struct td_cur c, sub;
    uint8_t x;
    td_cur_init(&c, b, sizeof(b), 10);
    assert_true(td_cur_vec(&c, 2, 1, 3, &sub));
    assert_int_equal(sub.len, 3);
    assert_int_equal(sub.base, 12);
    assert_true(td_cur_u8(&sub, &x));
    assert_false(td_cur_end(&sub));
    assert_true(td_cur_skip(&sub, 2));
    assert_true(td_cur_end(&sub));
    assert_int_equal(td_cur_left(&c), 1);

    /* length above max: fails without consuming */
    td_cur_init(&c, b, sizeof(b), 0);
    assert_false(td_cur_vec(&c, 2, 0, 2, &sub));
    assert_int_equal(c.off, 0);
    assert_int_equal(c.fail_need, 3);
    /* length below min */
    td_cur_init(&c, b, sizeof(b), 0);
    assert_false(td_cur_vec(&c, 2, 4, 10, &sub));
    /* length past the end */
    const uint8_t cut[] = {0x00, 0x09, 0x01};
    td_cur_init(&c, cut, sizeof(cut), 0);
    assert_false(td_cur_vec(&c, 2, 0, 65535, &sub));
    assert_int_equal(c.off, 0);
    /* 1- and 3-byte prefixes */
    const uint8_t v1[] = {0x02, 0xaa, 0xbb};
    td_cur_init(&c, v1, sizeof(v1), 0);
    assert_true(td_cur_vec(&c, 1, 0, 255, &sub));
    assert_int_equal(sub.len, 2);
    const uint8_t v3[] = {0x00, 0x00, 0x01, 0xcc};
    td_cur_init(&c, v3, sizeof(v3), 0);
    assert_true(td_cur_vec(&c, 3, 0, 0xffffff, &sub));
    assert_int_equal(sub.len, 1);
    /* bad prefix size */
    td_cur_init(&c, v3, sizeof(v3), 0);
    assert_false(td_cur_vec(&c, 4, 0, 1, &sub));
}

static void test_bytes_and_peek(void **state)
{
    (void)state;
    const uint8_t b[] = {1, 2, 3};
    struct td_cur c;
    const uint8_t *p;
    uint8_t x;
    td_cur_init(&c, b, sizeof(b), 0);
    assert_true(td_cur_peek_u8(&c, 2, &x));
    assert_int_equal(x, 3);
    assert_false(td_cur_peek_u8(&c, 3, &x));
    assert_false(td_cur_bytes(&c, 4, &p));
    assert_true(td_cur_bytes(&c, 3, &p));
    assert_ptr_equal(p, b);
    assert_false(td_cur_skip(&c, SIZE_MAX));
    /* a NULL buffer is an empty one */
    td_cur_init(&c, NULL, 5, 0);
    assert_int_equal(td_cur_left(&c), 0);
}

/* Every prefix of a nested structure, each in its own heap buffer so ASan
 * catches a read one past the end. */
static void test_every_prefix(void **state)
{
    (void)state;
    const uint8_t v[] = {0x00, 0x07, 0x01, 0x00, 0x03, 0xaa, 0xbb, 0xcc,
                         0x02};
    for (size_t n = 0; n <= sizeof(v); n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, v, n);
        struct td_cur c, outer, inner;
        td_cur_init(&c, p, n, 0);
        bool ok = td_cur_vec(&c, 2, 0, 65535, &outer);
        uint8_t t;
        if (ok)
            ok = td_cur_u8(&outer, &t) && td_cur_vec(&outer, 2, 0, 100,
                                                     &inner)
                 && td_cur_skip(&inner, inner.len) && td_cur_u8(&outer, &t);
        assert_int_equal(ok, n >= 9);
        free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_short_reads_leave_output),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_bytes_and_peek),
        cmocka_unit_test(test_every_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
