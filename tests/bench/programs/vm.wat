;; br_table dispatch: a tiny register-machine interpreter written in wasm.
;; Bytecode lives in a data segment at address 0 (4 bytes per instruction:
;; opcode, a, b, c; `imm` = b | c << 8); 16 i32 registers live at 256.
;; The bundled program counts the primes below r0 by trial division and
;; the entry point returns (count << 32) | (sum of those primes mod 2^32).
(module
  (memory 1)
  (data (i32.const 0)
    "\01\01\02\00"  ;;  0: LOADI r1, 2          i = 2
    "\01\03\00\00"  ;;  1: LOADI r3, 0          count = 0
    "\01\06\00\00"  ;;  2: LOADI r6, 0          sum = 0
    "\06\04\01\00"  ;;  3: LTU   r4, r1, r0     loop_i: i < n ?
    "\09\04\11\00"  ;;  4: JZ    r4, 17
    "\01\02\02\00"  ;;  5: LOADI r2, 2          d = 2
    "\04\04\02\02"  ;;  6: MUL   r4, r2, r2     loop_d: d * d
    "\06\04\01\04"  ;;  7: LTU   r4, r1, r4     i < d * d ?
    "\0a\04\0d\00"  ;;  8: JNZ   r4, 13         -> prime
    "\05\04\01\02"  ;;  9: REMU  r4, r1, r2     i % d
    "\09\04\0f\00"  ;; 10: JZ    r4, 15         divisible -> next
    "\07\02\02\01"  ;; 11: ADDI  r2, r2, 1
    "\08\00\06\00"  ;; 12: JMP   6
    "\07\03\03\01"  ;; 13: ADDI  r3, r3, 1      prime: count += 1
    "\02\06\06\01"  ;; 14: ADD   r6, r6, r1     sum += i
    "\07\01\01\01"  ;; 15: ADDI  r1, r1, 1      next: i += 1
    "\08\00\03\00"  ;; 16: JMP   3
    "\00\00\00\00"  ;; 17: HALT
  )

  (func $reg (param $r i32) (result i32)
    (i32.load offset=256 (i32.shl (local.get $r) (i32.const 2))))

  (func $set_reg (param $r i32) (param $v i32)
    (i32.store offset=256 (i32.shl (local.get $r) (i32.const 2)) (local.get $v)))

  ;; Runs the bytecode at address 0 until HALT.
  (func $interpret
    (local $pc i32)
    (local $ip i32)
    (local $a i32)
    (local $b i32)
    (local $c i32)
    (loop $dispatch
      (local.set $ip (i32.shl (local.get $pc) (i32.const 2)))
      (local.set $a (i32.load8_u offset=1 (local.get $ip)))
      (local.set $b (i32.load8_u offset=2 (local.get $ip)))
      (local.set $c (i32.load8_u offset=3 (local.get $ip)))
      (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
      (block $bad
      (block $xor
      (block $jnz
      (block $jz
      (block $jmp
      (block $addi
      (block $ltu
      (block $remu
      (block $mul
      (block $sub
      (block $add
      (block $loadi
      (block $halt
        (br_table $halt $loadi $add $sub $mul $remu $ltu $addi $jmp $jz $jnz $xor $bad
          (i32.load8_u (local.get $ip))))
        ;; HALT
        (return))
        ;; LOADI a, imm
        (call $set_reg (local.get $a)
          (i32.or (local.get $b) (i32.shl (local.get $c) (i32.const 8))))
        (br $dispatch))
        ;; ADD a, b, c
        (call $set_reg (local.get $a)
          (i32.add (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
        ;; SUB a, b, c
        (call $set_reg (local.get $a)
          (i32.sub (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
        ;; MUL a, b, c
        (call $set_reg (local.get $a)
          (i32.mul (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
        ;; REMU a, b, c
        (call $set_reg (local.get $a)
          (i32.rem_u (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
        ;; LTU a, b, c
        (call $set_reg (local.get $a)
          (i32.lt_u (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
        ;; ADDI a, b, c
        (call $set_reg (local.get $a)
          (i32.add (call $reg (local.get $b)) (local.get $c)))
        (br $dispatch))
        ;; JMP imm
        (local.set $pc (i32.or (local.get $b) (i32.shl (local.get $c) (i32.const 8))))
        (br $dispatch))
        ;; JZ a, imm
        (if (i32.eqz (call $reg (local.get $a)))
          (then (local.set $pc (i32.or (local.get $b) (i32.shl (local.get $c) (i32.const 8))))))
        (br $dispatch))
        ;; JNZ a, imm
        (if (call $reg (local.get $a))
          (then (local.set $pc (i32.or (local.get $b) (i32.shl (local.get $c) (i32.const 8))))))
        (br $dispatch))
        ;; XOR a, b, c
        (call $set_reg (local.get $a)
          (i32.xor (call $reg (local.get $b)) (call $reg (local.get $c))))
        (br $dispatch))
      ;; Unknown opcode.
      (unreachable)))

  (func (export "run") (param $n i32) (result i64)
    (call $set_reg (i32.const 0) (local.get $n))
    (call $interpret)
    (i64.or
      (i64.shl (i64.extend_i32_u (call $reg (i32.const 3))) (i64.const 32))
      (i64.extend_i32_u (call $reg (i32.const 6))))))
